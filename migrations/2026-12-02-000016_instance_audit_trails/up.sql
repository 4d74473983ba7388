-- An instance's audit trail, as Kaiten's clients read it: every event about the instance (in Kaiten's
-- current names, with its status and lifecycle-stage changes), written with the change and kept after
-- the outbox is pruned.
CREATE TABLE instance_audit_trails (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    instance_id     uuid NOT NULL,
    instance_slug   text NOT NULL,
    event_name      text NOT NULL,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX instance_audit_trails_instance_idx ON instance_audit_trails (instance_id, created_at DESC, id DESC);
