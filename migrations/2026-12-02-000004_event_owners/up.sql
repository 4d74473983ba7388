-- Which organization each event id handed to Svix belongs to: an id is delivered for one organization
-- only, whatever an envelope claims (the built-in engine's webhook_messages row plays this part there).
CREATE TABLE webhook_event_owners (
    event_id        uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_event_owners_created_idx ON webhook_event_owners (created_at);
