//! Licenses and the entitlements they grant, as the API returns them and their events carry them.

use crate::ToWire;
use crate::entitlement::EntitlementType;
use crate::mirror::mirror_enum;
use crate::values::{Actor, Quantity, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum LicenseType mirrors kaiten_domain::license::LicenseType {
        Community,
        Trial,
        Development,
        Paid,
    }
}

mirror_enum! {
    /// Where a license version is in its life: a DRAFT is prepared, a PUBLISHED one is offered, an
    /// ARCHIVED one is no longer offered (instances keep it).
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum LifecycleState mirrors kaiten_domain::license::LifecycleState {
        Draft,
        Published,
        Archived,
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

impl From<kaiten_domain::license::EntitlementValue> for EntitlementValue {
    fn from(value: kaiten_domain::license::EntitlementValue) -> Self {
        use kaiten_domain::license::EntitlementValue as Domain;
        match value {
            Domain::Number(number) => Self::Number(number.into()),
            Domain::Boolean(flag) => Self::Boolean(flag),
            Domain::Object(fields) => Self::Object(fields),
        }
    }
}

impl From<EntitlementValue> for kaiten_domain::license::EntitlementValue {
    fn from(value: EntitlementValue) -> Self {
        match value {
            EntitlementValue::Number(number) => Self::Number(number.into()),
            EntitlementValue::Boolean(flag) => Self::Boolean(flag),
            EntitlementValue::Object(fields) => Self::Object(fields),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct License {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    #[serde(rename = "type")]
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    /// Assigned: "1", "2", … within the license's family.
    #[serde(serialize_with = "version_text")]
    #[schema(value_type = String, example = "1")]
    pub version: i32,
    pub family_id: Uuid,
    pub family_slug: Slug,
    pub lifecycle_state: LifecycleState,
    /// Whether the version is offered: PUBLISHED.
    pub is_active: bool,
    pub is_default: bool,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

fn version_text<S: Serializer>(version: &i32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&version.to_string())
}

impl ToWire for kaiten_domain::license::License {
    type Wire = License;

    fn to_wire(&self) -> License {
        License {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            description: self.description.clone(),
            license_type: self.license_type.into(),
            version_name: self.version_name.clone(),
            version: self.version,
            family_id: self.family_id,
            family_slug: self.family_slug.clone().into(),
            lifecycle_state: self.lifecycle_state.into(),
            is_active: self.is_active,
            is_default: self.is_default,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
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
    /// Metered grants: how far usage may exceed the value, in percent (0: not at all; -1: the value
    /// is [`UNLIMITED`]); `null` for BOOLEAN and CONFIG.
    pub limit_cap_exceeded_overage_percent: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

impl ToWire for kaiten_domain::license::LicenseEntitlement {
    type Wire = LicenseEntitlement;

    fn to_wire(&self) -> LicenseEntitlement {
        LicenseEntitlement {
            license_id: self.license_id,
            license_slug: self.license_slug.clone().into(),
            entitlement_id: self.entitlement_id,
            entitlement_slug: self.entitlement_slug.clone().into(),
            entitlement_name: self.entitlement_name.clone(),
            entitlement_type: self.entitlement_type.into(),
            value: self.value.clone().into(),
            limit_cap_exceeded_overage_percent: self.limit_cap_exceeded_overage_percent,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_domain::clock;
    use kaiten_domain::license::{LicenseFamily, NewLicense};
    use serde_json::json;

    #[test]
    fn a_version_is_text_on_the_wire() {
        let family = LicenseFamily { id: Uuid::from_u128(1), slug: kaiten_domain::Slug::example(), last_version: 0 };
        let input: NewLicense =
            serde_json::from_value(json!({"name": "Growth", "type": "PAID"})).unwrap_or_else(|e| panic!("{e}"));
        let license = kaiten_domain::license::License::create(
            Uuid::nil(),
            input,
            &family,
            1,
            &kaiten_domain::Actor::unknown(),
            clock::now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(serde_json::to_value(license.to_wire()).ok().map(|j| j["version"].clone()), Some(json!("1")));
    }
}
