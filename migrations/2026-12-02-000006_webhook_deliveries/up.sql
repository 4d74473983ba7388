-- The durable state of each (message, endpoint) delivery of the built-in engine: one automatic attempt
-- chain per pair. An attempt is made only under a claim (lease_id, until lease_until) on its row, so
-- re-dispatched events, duplicate tasks and several workers never make two chains.
CREATE TABLE webhook_deliveries (
    message_id      uuid NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- pending: attempts go on; succeeded: an attempt got a 2xx; failed: the chain ended without one.
    state           text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    -- Automatic attempts made so far; the next one is number attempts + 1.
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- While pending: when the next automatic attempt is due.
    next_attempt_at timestamptz,
    lease_id        uuid,
    lease_until     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id);

-- Response bodies that are not text (binary, NUL, invalid UTF-8) are kept in base64.
ALTER TABLE webhook_attempts ADD COLUMN response_body_encoding text NOT NULL DEFAULT 'text'
    CHECK (response_body_encoding IN ('text', 'base64'));

-- The deliveries of the messages already there: succeeded where an attempt succeeded; otherwise
-- pending after the last attempt made, so the retry already scheduled for it still finds its place.
INSERT INTO webhook_deliveries (message_id, endpoint_id, organization_id, state, attempts, next_attempt_at)
SELECT a.message_id, a.endpoint_id, a.organization_id,
       CASE WHEN bool_or(a.status = 'success') THEN 'succeeded' ELSE 'pending' END,
       max(a.attempt),
       CASE WHEN bool_or(a.status = 'success') THEN NULL ELSE now() END
FROM webhook_attempts a
GROUP BY a.message_id, a.endpoint_id, a.organization_id;
