ALTER TABLE webhook_endpoints DROP COLUMN paused_until;
