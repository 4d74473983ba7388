CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id);
DROP INDEX webhook_attempts_endpoint_time_idx;
