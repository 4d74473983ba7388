-- Every change to a token or a service account (revocation, rename, deletion) notifies the channel
-- `kaiten_api_tokens` when its transaction commits; API processes empty their token cache on it.
CREATE FUNCTION kaiten_notify_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kaiten_api_tokens', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION kaiten_notify_token_change();
CREATE TRIGGER service_accounts_changed AFTER UPDATE OR DELETE OR TRUNCATE ON service_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION kaiten_notify_token_change();
