-- Claims of the built-in engine: an attempt is made only under a claim (a lease no other process can
-- take while it runs), so re-dispatched events, duplicate tasks and several workers never start a
-- second attempt chain for one (message, endpoint).
--
-- The first attempts of a message, to every endpoint it goes to, are made under a claim on the
-- message itself; `dispatched_at` records that they were made and settled.
ALTER TABLE webhook_messages
    ADD COLUMN lease_id uuid,
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN dispatched_at timestamptz;
UPDATE webhook_messages SET dispatched_at = created_at;

-- A delivery whose first attempt did not succeed goes on as a chain of retries: its durable state,
-- one row per (message, endpoint), claimed for each later attempt.
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

-- The chains already under way: every (message, endpoint) attempted without a success goes on after
-- its last attempt, so the retry already scheduled for it still finds its place.
INSERT INTO webhook_deliveries (message_id, endpoint_id, organization_id, state, attempts, next_attempt_at)
SELECT a.message_id, a.endpoint_id, a.organization_id, 'pending', max(a.attempt), now()
FROM webhook_attempts a
GROUP BY a.message_id, a.endpoint_id, a.organization_id
HAVING NOT bool_or(a.status = 'success');
