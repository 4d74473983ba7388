ALTER TABLE feature_flags DROP COLUMN event_name,
    ALTER COLUMN metadata DROP NOT NULL, ALTER COLUMN metadata DROP DEFAULT;
ALTER TABLE feature_flags RENAME COLUMN targetings TO targeting_rules;
UPDATE feature_flags SET targeting_rules = (
    SELECT COALESCE(jsonb_agg(jsonb_build_object('name', t->>'name', 'rule', t->'rule', 'variant', t->>'variant')
               ORDER BY position), '[]'::jsonb)
    FROM jsonb_array_elements(targeting_rules) WITH ORDINALITY AS ts(t, position)
    WHERE t->>'type' = 'basic');
-- A rollout default has no single name: its starting (or first weighted) variant stands in.
ALTER TABLE feature_flags ADD COLUMN default_variant_name text;
UPDATE feature_flags SET default_variant_name = COALESCE(default_variant->>'value', default_variant#>>'{start,variant}',
    (SELECT key FROM jsonb_object_keys(default_variant->'distribution') AS key LIMIT 1));
ALTER TABLE feature_flags DROP COLUMN default_variant;
ALTER TABLE feature_flags RENAME COLUMN default_variant_name TO default_variant;
ALTER TABLE feature_flags ALTER COLUMN default_variant SET NOT NULL;
