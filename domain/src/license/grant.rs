//! What a license grants: an entitlement with a value that fits its type, and for metered types how
//! far usage may exceed it.

use super::License;
use crate::actor::Actor;
use crate::entitlement::{Entitlement, EntitlementType};
use crate::quantity::Quantity;
use crate::slug::Slug;
use crate::validation::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The value an entitlement takes on a license: `{"type":"number","value":1000}`,
/// `{"type":"boolean","value":true}` or `{"type":"object","value":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum EntitlementValue {
    Number(Quantity),
    Boolean(bool),
    Object(Map<String, Value>),
}

impl EntitlementValue {
    /// Whether this value can be given to an entitlement of `kind`.
    pub fn fits(&self, kind: EntitlementType) -> bool {
        matches!(
            (self, kind),
            (Self::Number(_), EntitlementType::Number | EntitlementType::NumberAiCredit)
                | (Self::Boolean(_), EntitlementType::Boolean)
                | (Self::Object(_), EntitlementType::Config)
        )
    }

    /// The value fits an entitlement of `kind`, and its numbers survive storage as jsonb.
    pub fn check_fits(&self, kind: EntitlementType) -> Result<(), FieldError> {
        if !self.fits(kind) {
            return Err(FieldError::new(
                "value",
                format!("a {} entitlement takes a {} value", kind.as_str(), expected_value_type(kind)),
                serde_json::to_value(self).ok(),
            ));
        }
        let stored = match self {
            Self::Number(number) => Value::Number(number.to_json()),
            Self::Object(fields) => Value::Object(fields.clone()),
            Self::Boolean(_) => return Ok(()),
        };
        if !crate::name::storable_numbers(&stored) {
            return Err(FieldError::new("value.value", crate::name::UNSTORABLE_NUMBER, None));
        }
        Ok(())
    }

    /// The quantity of a number value (the limit a NUMBER entitlement's usage may reach).
    pub fn quantity(&self) -> Option<Quantity> {
        match self {
            Self::Number(quantity) => Some(*quantity),
            _ => None,
        }
    }
}

fn expected_value_type(kind: EntitlementType) -> &'static str {
    match kind {
        EntitlementType::Number | EntitlementType::NumberAiCredit => "number",
        EntitlementType::Boolean => "boolean",
        EntitlementType::Config => "object",
    }
}

/// An entitlement assigned to a license with its value; the payload of the LICENSE_ENTITLEMENT_* events.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseEntitlement {
    pub license_id: Uuid,
    pub license_slug: Slug,
    pub entitlement_id: Uuid,
    pub entitlement_slug: Slug,
    pub entitlement_name: String,
    pub entitlement_type: EntitlementType,
    pub value: EntitlementValue,
    /// Metered grants: how far usage may exceed the value, in percent (0: not at all; -1: the value
    /// is [`UNLIMITED`]); `null` for BOOLEAN and CONFIG.
    pub limit_cap_exceeded_overage_percent: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

/// A metered value of -1: no limit.
pub const UNLIMITED: i64 = -1;

/// The overage of a grant of `value` to an entitlement of `kind`: 0 unless given for a metered one,
/// -1 exactly when the value is unlimited, none for the others.
fn overage(kind: EntitlementType, value: &EntitlementValue, given: Option<i32>) -> Result<Option<i32>, FieldError> {
    const LOCATION: &str = "limitCapExceededOveragePercent";
    if !kind.is_metered() {
        return match given {
            Some(percent) => {
                Err(FieldError::new(LOCATION, "is only allowed on metered grants", Some(Value::from(percent))))
            }
            None => Ok(None),
        };
    }
    let unlimited = value.quantity() == Some(Quantity::from(UNLIMITED));
    match (unlimited, given) {
        (true, None | Some(-1)) => Ok(Some(-1)),
        (true, Some(percent)) => {
            Err(FieldError::new(LOCATION, "is -1 for an unlimited (-1) value", Some(Value::from(percent))))
        }
        (false, Some(-1)) => Err(FieldError::new(LOCATION, "-1 (unlimited) needs the value -1", Some(Value::from(-1)))),
        (false, Some(percent)) if !(0..=10_000).contains(&percent) => Err(FieldError::new(
            LOCATION,
            "must be 0 to 10000, or -1 with an unlimited value",
            Some(Value::from(percent)),
        )),
        (false, given) => {
            if value.quantity().is_some_and(Quantity::is_negative) {
                return Err(FieldError::new(
                    "value.value",
                    "must not be negative (-1: unlimited)",
                    serde_json::to_value(value).ok(),
                ));
            }
            Ok(Some(given.unwrap_or(0)))
        }
    }
}

impl LicenseEntitlement {
    /// `entitlement` granted on `license` with `value` (which must fit the entitlement's type) and,
    /// for a metered one, an overage.
    pub fn grant(
        license: &License,
        entitlement: &Entitlement,
        value: EntitlementValue,
        overage_percent: Option<i32>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        value.check_fits(entitlement.entitlement_type)?;
        let overage = overage(entitlement.entitlement_type, &value, overage_percent)?;
        Ok(Self {
            license_id: license.id,
            license_slug: license.slug.clone(),
            entitlement_id: entitlement.id,
            entitlement_slug: entitlement.slug.clone(),
            entitlement_name: entitlement.name.clone(),
            entitlement_type: entitlement.entitlement_type,
            value,
            limit_cap_exceeded_overage_percent: overage,
            created_at: now,
            created_by: actor.clone(),
            updated_at: now,
            updated_by: actor.clone(),
        })
    }

    /// This grant with a new `value` and overage (a full replacement), changed by `actor`.
    pub fn revalue(
        &self,
        value: EntitlementValue,
        overage_percent: Option<i32>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        value.check_fits(self.entitlement_type)?;
        let overage = overage(self.entitlement_type, &value, overage_percent)?;
        Ok(Self {
            value,
            limit_cap_exceeded_overage_percent: overage,
            updated_at: now,
            updated_by: actor.clone(),
            ..self.clone()
        })
    }

    /// The most usage this grant allows: its value raised by the overage; `None` when unlimited (or
    /// not metered).
    pub fn usage_cap(&self) -> Option<Quantity> {
        let value = self.value.quantity()?;
        match self.limit_cap_exceeded_overage_percent {
            Some(-1) => None,
            Some(percent) if percent > 0 => Some(value.with_percent_added(percent)),
            _ => Some(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_keep_their_documented_shape() {
        let number: EntitlementValue =
            serde_json::from_value(json!({"type":"number","value":1000})).unwrap_or(EntitlementValue::Boolean(false));
        assert_eq!(serde_json::to_value(&number).ok(), Some(json!({"type":"number","value":1000})));
        assert!(number.fits(EntitlementType::Number));
        assert!(!number.fits(EntitlementType::Boolean));
        assert!(serde_json::from_value::<EntitlementValue>(json!({"type":"number","value":"x"})).is_err());
        assert!(serde_json::from_value::<EntitlementValue>(json!({"type":"object","value":[1]})).is_err());
        let config = EntitlementValue::Object(Map::new());
        assert!(config.check_fits(EntitlementType::Config).is_ok());
        assert!(config.check_fits(EntitlementType::Number).is_err());
    }

    #[test]
    fn values_jsonb_cannot_give_back_are_refused() {
        let parse = |value: Value| serde_json::from_value::<EntitlementValue>(value).ok();
        // A number value is an exact decimal: one no decimal can hold is refused as it is read.
        assert!(parse(json!({"type": "number", "value": 2.2250738585e-313})).is_none());
        assert!(parse(json!({"type": "number", "value": 1e300})).is_none());
        let huge = parse(json!({"type": "object", "value": {"limits": [1, 1.7e308]}}));
        let fine = parse(json!({"type": "number", "value": 0.000001}));
        assert!(huge.is_some_and(|v| v.check_fits(EntitlementType::Config).is_err()));
        assert!(fine.is_some_and(|v| v.check_fits(EntitlementType::Number).is_ok()));
    }
}

/// The input of `POST /api/licenses/{slug}/entitlements`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLicenseEntitlement {
    pub entitlement_slug: String,
    pub value: EntitlementValue,
    pub limit_cap_exceeded_overage_percent: Option<i32>,
}

/// The input of `PUT /api/licenses/{slug}/entitlements/{entitlementSlug}`.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseEntitlementChanges {
    pub value: EntitlementValue,
    pub limit_cap_exceeded_overage_percent: Option<i32>,
}
