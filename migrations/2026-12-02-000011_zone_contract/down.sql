ALTER TABLE deployment_zones ALTER COLUMN description DROP NOT NULL, ALTER COLUMN description DROP DEFAULT;
UPDATE deployment_zones SET type = 'shared' WHERE type NOT IN ('shared', 'dedicated');
ALTER TABLE deployment_zones DROP CONSTRAINT deployment_zones_type_check,
    ADD CONSTRAINT deployment_zones_type_check CHECK (type IN ('shared', 'dedicated'));
