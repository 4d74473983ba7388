ALTER TABLE webhook_attempts DROP COLUMN response_body_encoding;
DROP TABLE webhook_deliveries;
