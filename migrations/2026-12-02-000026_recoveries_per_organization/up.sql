-- An organization's recoveries, newest first: only the newest ones are kept (see PgRecoveryLog).
CREATE INDEX webhook_recoveries_organization_idx ON webhook_recoveries (organization_id, created_at DESC, id DESC);
