-- Instances as Kaiten has them: a description that is never null, a license term that always has a
-- start and an end (existing rows: created_at, and 9999-12-31 for "open-ended"), an operational
-- status and a lifecycle stage.
UPDATE instances SET description = '' WHERE description IS NULL;
UPDATE instances SET start_license_date = created_at WHERE start_license_date IS NULL;
UPDATE instances SET end_license_date = '9999-12-31T23:59:59Z' WHERE end_license_date IS NULL;
ALTER TABLE instances ALTER COLUMN description SET NOT NULL, ALTER COLUMN description SET DEFAULT '',
    ALTER COLUMN start_license_date SET NOT NULL, ALTER COLUMN start_license_date SET DEFAULT now(),
    ALTER COLUMN end_license_date SET NOT NULL, ALTER COLUMN end_license_date SET DEFAULT '9999-12-31T23:59:59Z',
    ADD COLUMN status text CONSTRAINT instances_status_check CHECK (status IN ('HEALTHY', 'DEGRADED', 'INCIDENT', 'MAINTENANCE')),
    ADD COLUMN lifecycle_stage text CONSTRAINT instances_lifecycle_stage_check CHECK (length(lifecycle_stage) BETWEEN 1 AND 100);
