DROP TABLE instance_audit_trails;
