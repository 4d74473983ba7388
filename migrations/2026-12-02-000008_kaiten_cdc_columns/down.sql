ALTER INDEX outbox_events_occurred_at_idx RENAME TO outbox_events_created_at_idx;
ALTER TABLE outbox_events ADD COLUMN traceparent text;
UPDATE outbox_events SET traceparent = headers ->> 'traceparent' WHERE headers ? 'traceparent';
ALTER TABLE outbox_events RENAME COLUMN occurred_at TO created_at;
ALTER TABLE outbox_events RENAME COLUMN data TO payload;
-- `traceparent` is re-added as the last column: the relay serializes columns by name, not position.
