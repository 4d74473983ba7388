//! What Kaiten's entitlements carry besides their type: a usage reset period, a warning threshold,
//! display fields (order, icon, whether the vendor's customers see it) and unit labels.

use super::{EntitlementType, text_codes};
use crate::name::parse_optional_text;
use crate::validation::{FieldError, Validator};
use serde_json::Value;

/// How often a metered entitlement's usage starts again from zero (stored and shown; usage is not
/// reset by this build yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetPeriod {
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

text_codes!(ResetPeriod { Hour = "HOUR", Day = "DAY", Week = "WEEK", Month = "MONTH", Quarter = "QUARTER", Year = "YEAR" });

/// Where reset periods start: calendar boundaries or the license's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetAnchor {
    Calendar,
    LicenseStart,
}

text_codes!(ResetAnchor { Calendar = "CALENDAR", LicenseStart = "LICENSE_START" });

/// The fields as a request gives them (every one optional).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestedFields {
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    pub user_facing: Option<bool>,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

/// The validated fields, as an entitlement stores and shows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntitlementFields {
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    pub user_facing: bool,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

fn only_metered(kind: EntitlementType, location: &str, given: bool, v: &mut Validator) {
    if given && !kind.is_metered() {
        v.push(FieldError::new(
            location,
            format!("is only allowed on metered entitlements, not {}", kind.as_str()),
            None,
        ));
    }
}

impl RequestedFields {
    /// Validates the fields for an entitlement of `kind`, reporting into `v`.
    pub fn validate(self, kind: EntitlementType, v: &mut Validator) -> Option<EntitlementFields> {
        only_metered(kind, "resetPeriod", self.reset_period.is_some(), v);
        only_metered(kind, "resetAnchor", self.reset_anchor.is_some(), v);
        only_metered(kind, "warningThresholdPercent", self.warning_threshold_percent.is_some(), v);
        if self.reset_anchor.is_some() && self.reset_period.is_none() {
            v.push(FieldError::new("resetAnchor", "needs a resetPeriod", None));
        }
        if let Some(percent) = self.warning_threshold_percent.filter(|p| !(0..=100).contains(p)) {
            v.push(FieldError::new("warningThresholdPercent", "must be 0 to 100", Some(Value::from(percent))));
        }
        let icon = v.check(parse_optional_text("icon", self.icon.as_deref()));
        let unit_singular = v.check(parse_optional_text("unitSingular", self.unit_singular.as_deref()));
        let unit_plural = v.check(parse_optional_text("unitPlural", self.unit_plural.as_deref()));
        let sale_singular = v.check(parse_optional_text("saleUnitSingular", self.sale_unit_singular.as_deref()));
        let sale_plural = v.check(parse_optional_text("saleUnitPlural", self.sale_unit_plural.as_deref()));
        let sale_given =
            [self.sale_unit_singular.is_some(), self.sale_unit_plural.is_some(), self.sale_unit_factor.is_some()];
        if sale_given.contains(&true) {
            if sale_given.contains(&false) {
                v.push(FieldError::new("saleUnitFactor", "a sale unit needs its singular, plural and factor", None));
            }
            if self.unit_singular.is_none() || self.unit_plural.is_none() {
                v.push(FieldError::new("unitSingular", "a sale unit needs the base unit's labels", None));
            }
        }
        if let Some(factor) = self.sale_unit_factor.filter(|f| !(f.is_finite() && *f > 0.0 && *f < 1e15)) {
            v.push(FieldError::new(
                "saleUnitFactor",
                "must be a positive number",
                serde_json::Number::from_f64(factor).map(Value::Number),
            ));
        }
        Some(EntitlementFields {
            reset_period: self.reset_period,
            reset_anchor: self.reset_anchor,
            warning_threshold_percent: self.warning_threshold_percent,
            display_order: self.display_order,
            icon: icon?,
            user_facing: self.user_facing.unwrap_or(false),
            unit_singular: unit_singular?,
            unit_plural: unit_plural?,
            sale_unit_singular: sale_singular?,
            sale_unit_plural: sale_plural?,
            sale_unit_factor: self.sale_unit_factor,
        })
    }
}
