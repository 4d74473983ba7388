-- Feature flags as Kaiten has them: the default is a single variant, a percentage split or a date
-- rollout (`default_variant` jsonb, existing names become {"type":"basic","value":name}); targetings
-- are typed and their rule is a CEL string (existing rules become basic targetings, an object rule
-- its JSON text); an analytics event name; metadata is never null.
ALTER TABLE feature_flags ALTER COLUMN default_variant TYPE jsonb
    USING jsonb_build_object('type', 'basic', 'value', default_variant);
UPDATE feature_flags SET targeting_rules = (
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'type', 'basic',
               'name', rule->>'name',
               'rule', CASE WHEN jsonb_typeof(rule->'rule') = 'string' THEN rule->>'rule' ELSE (rule->'rule')::text END,
               'variant', rule->>'variant') ORDER BY position), '[]'::jsonb)
    FROM jsonb_array_elements(targeting_rules) WITH ORDINALITY AS rules(rule, position));
ALTER TABLE feature_flags RENAME COLUMN targeting_rules TO targetings;
UPDATE feature_flags SET metadata = '{}' WHERE metadata IS NULL;
ALTER TABLE feature_flags ALTER COLUMN metadata SET NOT NULL, ALTER COLUMN metadata SET DEFAULT '{}',
    ADD COLUMN event_name text NOT NULL DEFAULT '';
