-- An update event's `previousAttributes`: the fields the update changed, with their values before it.
ALTER TABLE outbox_events ADD COLUMN previous_attributes jsonb;
