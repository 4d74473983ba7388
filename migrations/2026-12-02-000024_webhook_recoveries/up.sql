-- Recoveries and replays of an endpoint's messages, on either backend (endpoint_id is the backend's:
-- a UUID built in, `ep_…` on Svix), kept as long as webhook messages.
CREATE TABLE webhook_recoveries (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    endpoint_id     text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('recover', 'replay')),
    since           timestamptz NOT NULL,
    until           timestamptz NOT NULL,
    queued          integer,
    more            boolean NOT NULL,
    backend_task_id text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_recoveries_created_idx ON webhook_recoveries (created_at);

-- The built-in engine's messages each recovery sent again: its progress is their deliveries' state.
-- Written by the engine before the recovery itself is recorded, so not tied to it by a key; they go
-- with their messages.
CREATE TABLE webhook_recovery_messages (
    recovery_id uuid NOT NULL,
    message_id  uuid NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id uuid NOT NULL,
    PRIMARY KEY (recovery_id, message_id)
);
CREATE INDEX webhook_recovery_messages_message_idx ON webhook_recovery_messages (message_id);
