ALTER TABLE webhook_attempts DROP COLUMN response_body_encoding;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_messages DROP COLUMN lease_id, DROP COLUMN lease_until, DROP COLUMN dispatched_at;
