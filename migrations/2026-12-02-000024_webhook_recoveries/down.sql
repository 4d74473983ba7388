DROP TABLE webhook_recovery_messages; DROP TABLE webhook_recoveries;
