ALTER TABLE webhook_messages DROP COLUMN test;
