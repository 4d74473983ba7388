DROP TRIGGER service_accounts_changed ON service_accounts;
DROP TRIGGER api_tokens_changed ON api_tokens;
DROP FUNCTION kaiten_notify_token_change();
