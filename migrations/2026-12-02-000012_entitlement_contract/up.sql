-- Entitlements as Kaiten has them: AI-credit quotas metered like NUMBER, a usage reset period, a
-- warning threshold, display fields and unit labels.
ALTER TABLE entitlements DROP CONSTRAINT entitlements_type_check,
    ADD CONSTRAINT entitlements_type_check CHECK (type IN ('BOOLEAN', 'NUMBER', 'NUMBER_AI_CREDIT', 'CONFIG'));
ALTER TABLE entitlements DROP CONSTRAINT entitlements_metering_check,
    ADD CONSTRAINT entitlements_metering_check CHECK (
        (type IN ('NUMBER', 'NUMBER_AI_CREDIT') AND meter_type IS NOT NULL AND aggregation_method IS NOT NULL)
        OR (type NOT IN ('NUMBER', 'NUMBER_AI_CREDIT') AND meter_type IS NULL AND aggregation_method IS NULL));
ALTER TABLE entitlements
    ADD COLUMN reset_period text CONSTRAINT entitlements_reset_period_check
        CHECK (reset_period IN ('HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR')),
    ADD COLUMN reset_anchor text CONSTRAINT entitlements_reset_anchor_check
        CHECK (reset_anchor IN ('CALENDAR', 'LICENSE_START')),
    ADD COLUMN warning_threshold_percent integer CHECK (warning_threshold_percent BETWEEN 0 AND 100),
    ADD COLUMN display_order integer,
    ADD COLUMN icon text,
    ADD COLUMN user_facing boolean NOT NULL DEFAULT false,
    ADD COLUMN unit_singular text,
    ADD COLUMN unit_plural text,
    ADD COLUMN sale_unit_singular text,
    ADD COLUMN sale_unit_plural text,
    ADD COLUMN sale_unit_factor double precision CHECK (sale_unit_factor > 0);
