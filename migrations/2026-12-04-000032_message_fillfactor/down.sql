ALTER TABLE webhook_messages RESET (fillfactor);
