-- Tenancy: organizations, their service accounts and API tokens (only the SHA-256 of a secret is kept).

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug        text NOT NULL CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_slug_idx ON organizations (slug);

CREATE TABLE service_accounts (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug            text NOT NULL CONSTRAINT service_accounts_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT service_accounts_organization_slug_key UNIQUE (organization_id, slug)
);

CREATE TABLE api_tokens (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    service_account_id uuid NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug               text NOT NULL CONSTRAINT api_tokens_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    secret_sha256      text NOT NULL CONSTRAINT api_tokens_secret_sha256_key UNIQUE CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    scopes             text[] NOT NULL CHECK (cardinality(scopes) > 0),
    expires_at         timestamptz,
    revoked_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT api_tokens_account_slug_key UNIQUE (service_account_id, slug)
);

-- The seven domains. Slugs are unique per organization; enums are checked; references are foreign keys.

CREATE TABLE customers (
    id                   uuid PRIMARY KEY,
    organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug                 text NOT NULL CONSTRAINT customers_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    external_customer_id text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT customers_organization_slug_key UNIQUE (organization_id, slug)
);
CREATE INDEX customers_newest_idx ON customers (organization_id, created_at DESC, id DESC);

CREATE TABLE entitlements (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug               text NOT NULL CONSTRAINT entitlements_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description        text,
    type               text NOT NULL CONSTRAINT entitlements_type_check CHECK (type IN ('BOOLEAN', 'NUMBER', 'CONFIG')),
    meter_type         text CONSTRAINT entitlements_meter_type_check CHECK (meter_type IN ('CALCULATED_USAGE', 'RAW_EVENT')),
    aggregation_method text CONSTRAINT entitlements_aggregation_method_check
                            CHECK (aggregation_method IN ('SUM', 'COUNT', 'AVERAGE', 'MAX', 'MIN', 'LATEST')),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT entitlements_organization_slug_key UNIQUE (organization_id, slug),
    -- NUMBER needs a meter type and an aggregation method; BOOLEAN and CONFIG take neither.
    CONSTRAINT entitlements_metering_check CHECK (
        (type = 'NUMBER' AND meter_type IS NOT NULL AND aggregation_method IS NOT NULL)
        OR (type <> 'NUMBER' AND meter_type IS NULL AND aggregation_method IS NULL))
);
CREATE INDEX entitlements_newest_idx ON entitlements (organization_id, created_at DESC, id DESC);

CREATE TABLE licenses (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug            text NOT NULL CONSTRAINT licenses_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description     text,
    type            text NOT NULL CONSTRAINT licenses_type_check CHECK (type IN ('COMMUNITY', 'TRIAL', 'DEVELOPMENT', 'PAID')),
    version_name    text,
    version         integer NOT NULL CHECK (version > 0),
    is_active       boolean NOT NULL,
    is_default      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT licenses_organization_slug_key UNIQUE (organization_id, slug),
    CONSTRAINT licenses_organization_name_version_key UNIQUE (organization_id, name, version)
);
CREATE INDEX licenses_newest_idx ON licenses (organization_id, created_at DESC, id DESC);

CREATE TABLE license_entitlements (
    license_id      uuid NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
    entitlement_id  uuid NOT NULL CONSTRAINT license_entitlements_entitlement_id_fkey
                         REFERENCES entitlements (id) ON DELETE RESTRICT,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    value_type      text NOT NULL CHECK (value_type IN ('number', 'boolean', 'object')),
    value           jsonb NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT license_entitlements_pkey PRIMARY KEY (license_id, entitlement_id),
    CONSTRAINT license_entitlements_value_fits_type_check CHECK (
        (value_type = 'number' AND jsonb_typeof(value) = 'number')
        OR (value_type = 'boolean' AND jsonb_typeof(value) = 'boolean')
        OR (value_type = 'object' AND jsonb_typeof(value) = 'object'))
);
CREATE INDEX license_entitlements_entitlement_idx ON license_entitlements (entitlement_id);

CREATE TABLE releases (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    version         text NOT NULL CHECK (length(version) BETWEEN 1 AND 200),
    slug            text NOT NULL CONSTRAINT releases_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description     text,
    created_at      timestamptz NOT NULL,
    CONSTRAINT releases_organization_slug_key UNIQUE (organization_id, slug),
    CONSTRAINT releases_organization_version_key UNIQUE (organization_id, version)
);
CREATE INDEX releases_newest_idx ON releases (organization_id, created_at DESC, id DESC);

CREATE TABLE deployment_zones (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug               text NOT NULL CONSTRAINT deployment_zones_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    type               text NOT NULL DEFAULT 'shared' CONSTRAINT deployment_zones_type_check CHECK (type IN ('shared', 'dedicated')),
    description        text,
    metadata           jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    -- A zone's current release cannot be deleted.
    current_release_id uuid CONSTRAINT deployment_zones_current_release_id_fkey REFERENCES releases (id) ON DELETE RESTRICT,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CONSTRAINT deployment_zones_organization_slug_key UNIQUE (organization_id, slug)
);
CREATE INDEX deployment_zones_newest_idx ON deployment_zones (organization_id, created_at DESC, id DESC);
CREATE INDEX deployment_zones_release_idx ON deployment_zones (current_release_id);

CREATE TABLE deployments (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    deployment_zone_id uuid NOT NULL REFERENCES deployment_zones (id) ON DELETE CASCADE,
    -- History outlives the release: the version and slug are kept when the release is deleted.
    release_id         uuid REFERENCES releases (id) ON DELETE SET NULL,
    release_slug       text NOT NULL,
    version            text NOT NULL,
    created_at         timestamptz NOT NULL
);
CREATE INDEX deployments_zone_idx ON deployments (deployment_zone_id, created_at DESC);
CREATE INDEX deployments_release_idx ON deployments (release_id);

CREATE TABLE instances (
    id                 uuid PRIMARY KEY,
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug               text NOT NULL CONSTRAINT instances_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description        text,
    -- Soft-deleted instances may outlive their customer and license (the reference becomes NULL);
    -- a live instance keeps both, so deleting a customer or license it uses is refused.
    customer_id        uuid REFERENCES customers (id) ON DELETE SET NULL,
    license_id         uuid REFERENCES licenses (id) ON DELETE SET NULL,
    deployment_zone_id uuid CONSTRAINT instances_deployment_zone_id_fkey REFERENCES deployment_zones (id) ON DELETE RESTRICT,
    start_license_date timestamptz,
    end_license_date   timestamptz,
    platform           jsonb CHECK (platform IS NULL OR jsonb_typeof(platform) = 'object'),
    metadata           jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    deleted_at         timestamptz,
    CONSTRAINT instances_live_references_check
        CHECK (deleted_at IS NOT NULL OR (customer_id IS NOT NULL AND license_id IS NOT NULL)),
    CONSTRAINT instances_license_dates_check
        CHECK (start_license_date IS NULL OR end_license_date IS NULL OR start_license_date <= end_license_date)
);
-- A slug names one live instance; a deleted instance frees its slug.
CREATE UNIQUE INDEX instances_organization_slug_key ON instances (organization_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX instances_newest_idx ON instances (organization_id, created_at DESC, id DESC);
CREATE INDEX instances_customer_idx ON instances (customer_id);
CREATE INDEX instances_license_idx ON instances (license_id);
CREATE INDEX instances_zone_idx ON instances (deployment_zone_id);

CREATE TABLE instance_entitlement_usage (
    instance_id     uuid NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    entitlement_id  uuid NOT NULL REFERENCES entitlements (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    value           double precision NOT NULL,
    sum             double precision NOT NULL,
    event_count     bigint NOT NULL CHECK (event_count >= 0),
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (instance_id, entitlement_id)
);

CREATE TABLE feature_flags (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug            text NOT NULL CONSTRAINT feature_flags_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description     text,
    type            text NOT NULL CONSTRAINT feature_flags_type_check CHECK (type IN ('boolean', 'string', 'number', 'object')),
    enabled         boolean NOT NULL,
    variants        jsonb NOT NULL CHECK (jsonb_typeof(variants) = 'array' AND jsonb_array_length(variants) > 0),
    default_variant text NOT NULL,
    targeting_rules jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(targeting_rules) = 'array'),
    metadata        jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT feature_flags_organization_slug_key UNIQUE (organization_id, slug)
);
CREATE INDEX feature_flags_newest_idx ON feature_flags (organization_id, created_at DESC, id DESC);

-- The transactional outbox, read by the CDC relay from the WAL (never polled).
CREATE TABLE outbox_events (
    id              uuid PRIMARY KEY,
    event_name      text NOT NULL,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    organization_id uuid NOT NULL,
    traceparent     text,
    headers         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_events_created_at_idx ON outbox_events (created_at);
