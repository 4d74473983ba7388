-- How often each message was resent in its current one-minute window (the resend rate limit, shared
-- by every process and both delivery backends).
CREATE TABLE webhook_resend_windows (
    event_id        uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    window_start    timestamptz NOT NULL,
    resends         integer NOT NULL
);
CREATE INDEX webhook_resend_windows_start_idx ON webhook_resend_windows (window_start);
