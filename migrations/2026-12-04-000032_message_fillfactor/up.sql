-- Every message is updated once after its first attempts (dispatched_at, its claim released). Pages
-- filled to half leave room for that new row version on the same page, so the update is a
-- heap-only tuple update (no new index entries, less WAL) instead of a copy to another page.
ALTER TABLE webhook_messages SET (fillfactor = 50);
