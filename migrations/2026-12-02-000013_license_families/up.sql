-- Licenses as Kaiten has them: versions 1, 2, … of a family, each DRAFT, PUBLISHED or ARCHIVED, at
-- most one (published) default per family, a description that is never null; grants of metered
-- entitlements say how far usage may exceed them.
CREATE TABLE license_families (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug            text NOT NULL CONSTRAINT license_families_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    last_version    integer NOT NULL CHECK (last_version > 0),
    created_at      timestamptz NOT NULL,
    CONSTRAINT license_families_organization_slug_key UNIQUE (organization_id, slug)
);
ALTER TABLE licenses ADD COLUMN family_id uuid REFERENCES license_families (id) ON DELETE RESTRICT,
    ADD COLUMN lifecycle_state text NOT NULL DEFAULT 'PUBLISHED'
        CONSTRAINT licenses_lifecycle_state_check CHECK (lifecycle_state IN ('DRAFT', 'PUBLISHED', 'ARCHIVED'));
UPDATE licenses SET lifecycle_state = 'ARCHIVED' WHERE NOT is_active;
-- Earlier builds numbered versions per name: each name becomes a family, slugged after its first version.
INSERT INTO license_families (id, organization_id, slug, last_version, created_at)
SELECT gen_random_uuid(), organization_id, (array_agg(slug ORDER BY version))[1], max(version), min(created_at)
  FROM licenses GROUP BY organization_id, name;
UPDATE licenses l SET family_id = f.id
  FROM license_families f
 WHERE f.organization_id = l.organization_id
   AND f.slug = (SELECT (array_agg(o.slug ORDER BY o.version))[1] FROM licenses o
                  WHERE o.organization_id = l.organization_id AND o.name = l.name);
ALTER TABLE licenses ALTER COLUMN family_id SET NOT NULL, DROP COLUMN is_active,
    DROP CONSTRAINT licenses_organization_name_version_key,
    ADD CONSTRAINT licenses_family_version_key UNIQUE (family_id, version);
CREATE INDEX licenses_family_idx ON licenses (family_id);
UPDATE licenses SET description = '' WHERE description IS NULL;
ALTER TABLE licenses ALTER COLUMN description SET NOT NULL, ALTER COLUMN description SET DEFAULT '';
-- At most one default per family, and only a published version.
UPDATE licenses SET is_default = false WHERE is_default AND lifecycle_state <> 'PUBLISHED';
UPDATE licenses l SET is_default = false
 WHERE is_default AND EXISTS (SELECT 1 FROM licenses o WHERE o.family_id = l.family_id AND o.is_default
                               AND (o.created_at, o.id) > (l.created_at, l.id));
CREATE UNIQUE INDEX licenses_one_default_per_family ON licenses (family_id) WHERE is_default;
ALTER TABLE licenses ADD CONSTRAINT licenses_default_is_published CHECK (NOT is_default OR lifecycle_state = 'PUBLISHED');

ALTER TABLE license_entitlements ADD COLUMN overage_percent integer
    CONSTRAINT license_entitlements_overage_percent_check CHECK (overage_percent BETWEEN -1 AND 10000);
UPDATE license_entitlements SET overage_percent = 0 WHERE value_type = 'number';
