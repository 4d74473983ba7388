-- The outbox speaks Kaiten's CDC format: `data`, `headers` (the W3C trace context inside it) and
-- `occurred_at`, the columns Kaiten's own consumers read. Existing rows keep their content.
ALTER TABLE outbox_events RENAME COLUMN payload TO data;
ALTER TABLE outbox_events RENAME COLUMN created_at TO occurred_at;
UPDATE outbox_events
   SET headers = coalesce(headers, '{}'::jsonb) || jsonb_build_object('traceparent', traceparent)
 WHERE traceparent IS NOT NULL;
ALTER TABLE outbox_events DROP COLUMN traceparent;
ALTER INDEX outbox_events_created_at_idx RENAME TO outbox_events_occurred_at_idx;
