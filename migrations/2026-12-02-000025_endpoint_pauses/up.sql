-- An endpoint that answered 429 or 503 with Retry-After gets no attempt before this time (whichever
-- process delivers): its first attempts and retries wait until then instead of failing.
ALTER TABLE webhook_endpoints ADD COLUMN paused_until timestamptz;
