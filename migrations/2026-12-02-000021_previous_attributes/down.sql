ALTER TABLE outbox_events DROP COLUMN previous_attributes;
