-- The endpoint an operational event is about, which never receives it (NULL for every other message).
ALTER TABLE webhook_messages ADD COLUMN about_endpoint_id uuid;
