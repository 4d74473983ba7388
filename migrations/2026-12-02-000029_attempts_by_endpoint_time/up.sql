-- An endpoint's stats (GET /api/webhooks/{id}/stats) read its attempts of a window and its last
-- success and failure: by endpoint, then time. The index on the endpoint alone is a prefix of it.
CREATE INDEX webhook_attempts_endpoint_time_idx ON webhook_attempts (endpoint_id, created_at);
DROP INDEX webhook_attempts_endpoint_idx;
