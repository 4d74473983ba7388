ALTER TABLE organizations DROP COLUMN webhook_event_names;
