-- Audit-trail entries are pruned by age.
CREATE INDEX instance_audit_trails_created_idx ON instance_audit_trails (created_at);
