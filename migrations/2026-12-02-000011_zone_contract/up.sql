-- Deployment zones as Kaiten has them: a free-form type (production, staging, shared, …) and a
-- description that is never null (existing nulls become "").
ALTER TABLE deployment_zones DROP CONSTRAINT deployment_zones_type_check,
    ADD CONSTRAINT deployment_zones_type_check CHECK (length(type) BETWEEN 1 AND 100);
UPDATE deployment_zones SET description = '' WHERE description IS NULL;
ALTER TABLE deployment_zones ALTER COLUMN description SET NOT NULL, ALTER COLUMN description SET DEFAULT '';
