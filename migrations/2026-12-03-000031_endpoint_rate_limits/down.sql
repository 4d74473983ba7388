ALTER TABLE webhook_endpoints DROP COLUMN rate_next_at, DROP COLUMN rate_limit;
