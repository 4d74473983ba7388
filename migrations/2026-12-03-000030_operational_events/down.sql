ALTER TABLE webhook_messages DROP COLUMN about_endpoint_id;
