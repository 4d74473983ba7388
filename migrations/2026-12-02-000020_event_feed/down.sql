DROP INDEX outbox_events_feed_idx;
