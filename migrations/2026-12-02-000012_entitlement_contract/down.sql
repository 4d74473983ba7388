ALTER TABLE entitlements DROP COLUMN reset_period, DROP COLUMN reset_anchor, DROP COLUMN warning_threshold_percent,
    DROP COLUMN display_order, DROP COLUMN icon, DROP COLUMN user_facing, DROP COLUMN unit_singular,
    DROP COLUMN unit_plural, DROP COLUMN sale_unit_singular, DROP COLUMN sale_unit_plural, DROP COLUMN sale_unit_factor;
DELETE FROM entitlements WHERE type = 'NUMBER_AI_CREDIT';
ALTER TABLE entitlements DROP CONSTRAINT entitlements_metering_check,
    ADD CONSTRAINT entitlements_metering_check CHECK (
        (type = 'NUMBER' AND meter_type IS NOT NULL AND aggregation_method IS NOT NULL)
        OR (type <> 'NUMBER' AND meter_type IS NULL AND aggregation_method IS NULL));
ALTER TABLE entitlements DROP CONSTRAINT entitlements_type_check,
    ADD CONSTRAINT entitlements_type_check CHECK (type IN ('BOOLEAN', 'NUMBER', 'CONFIG'));
