//! Licenses and the entitlement values they grant.

use crate::actor::Actor;
use crate::entitlement::{Entitlement, EntitlementType, text_codes};
use crate::name::{parse_name, parse_optional_text};
use crate::quantity::Quantity;
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LicenseType {
    Community,
    Trial,
    Development,
    Paid,
}

text_codes!(LicenseType { Community = "COMMUNITY", Trial = "TRIAL", Development = "DEVELOPMENT", Paid = "PAID" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct License {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    /// Assigned: 1, 2, … per license name within the organization.
    pub version: i32,
    pub is_active: bool,
    pub is_default: bool,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLicense {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    pub is_active: bool,
    pub is_default: Option<bool>,
}

impl License {
    /// Validates a new license; `version` is the next free version of its name.
    pub fn create(
        organization_id: Uuid,
        input: NewLicense,
        version: i32,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        let version_name = v.check(parse_optional_text("versionName", input.version_name.as_deref()));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                license_type: input.license_type,
                version_name: version_name?,
                version,
                is_active: input.is_active,
                is_default: input.is_default.unwrap_or(false),
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }
}

/// The value an entitlement takes on a license: `{"type":"number","value":1000}`,
/// `{"type":"boolean","value":true}` or `{"type":"object","value":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum EntitlementValue {
    Number(Quantity),
    Boolean(bool),
    #[schema(value_type = Object)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LicenseEntitlement {
    pub license_id: Uuid,
    pub license_slug: Slug,
    pub entitlement_id: Uuid,
    pub entitlement_slug: Slug,
    pub entitlement_name: String,
    pub entitlement_type: EntitlementType,
    pub value: EntitlementValue,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

impl LicenseEntitlement {
    /// `entitlement` granted on `license` with `value` (which must fit the entitlement's type).
    pub fn grant(
        license: &License,
        entitlement: &Entitlement,
        value: EntitlementValue,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldError> {
        value.check_fits(entitlement.entitlement_type)?;
        Ok(Self {
            license_id: license.id,
            license_slug: license.slug.clone(),
            entitlement_id: entitlement.id,
            entitlement_slug: entitlement.slug.clone(),
            entitlement_name: entitlement.name.clone(),
            entitlement_type: entitlement.entitlement_type,
            value,
            created_at: now,
            created_by: actor.clone(),
            updated_at: now,
            updated_by: actor.clone(),
        })
    }

    /// This grant with a new `value`, changed by `actor`.
    pub fn revalue(&self, value: EntitlementValue, actor: &Actor, now: DateTime<Utc>) -> Result<Self, FieldError> {
        value.check_fits(self.entitlement_type)?;
        Ok(Self { value, updated_at: now, updated_by: actor.clone(), ..self.clone() })
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

/// Partial update of a license; its `version` stays as assigned.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseChanges {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: Option<String>,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(rename = "type")]
    pub license_type: Option<LicenseType>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<String>)]
    pub version_name: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub is_default: Option<bool>,
}

/// The body of `POST /api/licenses/{slug}/entitlements`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLicenseEntitlement {
    pub entitlement_slug: String,
    pub value: EntitlementValue,
}

/// The body of `PUT /api/licenses/{slug}/entitlements/{entitlementSlug}`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseEntitlementChanges {
    pub value: EntitlementValue,
}

impl License {
    pub fn apply(&self, changes: LicenseChanges, actor: &Actor, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = changes.name.as_deref().map_or(Some(self.name.clone()), |raw| v.check(parse_name("name", raw)));
        let slug = changes
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = match changes.description {
            Some(raw) => v.check(parse_optional_text("description", raw.as_deref())),
            None => Some(self.description.clone()),
        };
        let version_name = match changes.version_name {
            Some(raw) => v.check(parse_optional_text("versionName", raw.as_deref())),
            None => Some(self.version_name.clone()),
        };
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                license_type: changes.license_type.unwrap_or(self.license_type),
                version_name: version_name?,
                is_active: changes.is_active.unwrap_or(self.is_active),
                is_default: changes.is_default.unwrap_or(self.is_default),
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}
