-- The event feed reads an organization's outbox rows oldest first.
CREATE INDEX outbox_events_feed_idx ON outbox_events (organization_id, occurred_at, id);
