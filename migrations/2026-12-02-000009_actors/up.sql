-- Who created and last changed a row: {"id", "name"} of the service account behind the token of the
-- request. Rows written before this was recorded (or by hand, without naming one) show the nil id
-- and no name.
DO $$
DECLARE
    unknown constant jsonb := '{"id": "00000000-0000-0000-0000-000000000000", "name": null}';
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['customers', 'entitlements', 'licenses', 'license_entitlements', 'instances',
                                'deployment_zones', 'feature_flags'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN created_by jsonb NOT NULL DEFAULT %L, '
                       'ADD COLUMN updated_by jsonb NOT NULL DEFAULT %L', name, unknown, unknown);
    END LOOP;
    FOREACH name IN ARRAY ARRAY['releases', 'deployments', 'service_accounts', 'api_tokens'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN created_by jsonb NOT NULL DEFAULT %L', name, unknown);
    END LOOP;
END $$;
ALTER TABLE api_tokens ADD COLUMN revoked_by jsonb;
