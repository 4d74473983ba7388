-- The built-in delivery engine: endpoints, the messages delivered to them and every delivery attempt.

CREATE TABLE webhook_endpoints (
    id                       uuid PRIMARY KEY,
    organization_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url                      text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    description              text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    -- Catalog names; empty = every event.
    event_names              text[] NOT NULL DEFAULT '{}',
    disabled                 boolean NOT NULL DEFAULT false,
    secret                   text NOT NULL CHECK (secret LIKE 'whsec_%'),
    -- After a rotation the previous secret keeps signing until it expires.
    previous_secret          text CHECK (previous_secret LIKE 'whsec_%'),
    previous_secret_until    timestamptz,
    -- Start of the current run of failed deliveries (NULL after a success).
    failing_since            timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_organization_idx ON webhook_endpoints (organization_id, created_at DESC, id DESC);

-- One row per event handed to the engine; id = outbox id (the idempotency key).
CREATE TABLE webhook_messages (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_name      text NOT NULL,
    event_type      text NOT NULL,
    -- The exact body POSTed to every endpoint.
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_messages_created_idx ON webhook_messages (created_at);

CREATE TABLE webhook_attempts (
    id                   uuid PRIMARY KEY,
    organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    message_id           uuid NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    endpoint_id          uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    url                  text NOT NULL,
    attempt              integer NOT NULL CHECK (attempt >= 1),
    status               text NOT NULL CHECK (status IN ('success', 'pending', 'fail', 'sending')),
    response_status_code integer,
    response_body        text NOT NULL DEFAULT '',
    duration_ms          bigint NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_organization_idx ON webhook_attempts (organization_id, created_at DESC, id DESC);
CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, endpoint_id);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id);
