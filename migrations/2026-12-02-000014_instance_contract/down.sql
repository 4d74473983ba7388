ALTER TABLE instances DROP COLUMN status, DROP COLUMN lifecycle_stage,
    ALTER COLUMN description DROP NOT NULL, ALTER COLUMN description DROP DEFAULT,
    ALTER COLUMN start_license_date DROP NOT NULL, ALTER COLUMN start_license_date DROP DEFAULT,
    ALTER COLUMN end_license_date DROP NOT NULL, ALTER COLUMN end_license_date DROP DEFAULT;
