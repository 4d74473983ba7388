DROP INDEX outbox_events_customer_feed_idx;
ALTER TABLE outbox_events DROP COLUMN customer_slug, DROP COLUMN customer_id;
