ALTER TABLE license_entitlements DROP COLUMN overage_percent;
ALTER TABLE licenses DROP CONSTRAINT licenses_default_is_published;
DROP INDEX licenses_one_default_per_family;
ALTER TABLE licenses ALTER COLUMN description DROP NOT NULL, ALTER COLUMN description DROP DEFAULT;
ALTER TABLE licenses ADD COLUMN is_active boolean NOT NULL DEFAULT true;
UPDATE licenses SET is_active = (lifecycle_state = 'PUBLISHED');
ALTER TABLE licenses DROP CONSTRAINT licenses_family_version_key, DROP COLUMN lifecycle_state, DROP COLUMN family_id;
DROP TABLE license_families;
ALTER TABLE licenses ADD CONSTRAINT licenses_organization_name_version_key UNIQUE (organization_id, name, version);
