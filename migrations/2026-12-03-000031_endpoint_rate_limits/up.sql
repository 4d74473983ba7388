-- An endpoint's rate limit (deliveries a second) and the start of its next free send slot: every
-- worker reserves its sends here, one every 1/rate_limit second (a GCRA without burst).
ALTER TABLE webhook_endpoints
    ADD COLUMN rate_limit integer CONSTRAINT webhook_endpoints_rate_limit_check CHECK (rate_limit BETWEEN 1 AND 10000),
    ADD COLUMN rate_next_at timestamptz;
