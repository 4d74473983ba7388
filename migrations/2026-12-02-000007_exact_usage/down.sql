ALTER TABLE instance_entitlement_usage
    ALTER COLUMN value TYPE double precision USING value::double precision,
    ALTER COLUMN sum TYPE double precision USING sum::double precision;
