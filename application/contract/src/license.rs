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

/// The body of `POST /api/licenses`: without `familySlug` it starts a new family (version 1, the
/// family named after the slug); with one, it is that family's next version (slug `{family}-v{n}`
/// unless given).
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLicense {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    pub family_slug: Option<String>,
    /// DRAFT or PUBLISHED (the default; ARCHIVED when `isActive` is false).
    pub lifecycle_state: Option<LifecycleState>,
    /// The first version's flag: false creates the license ARCHIVED.
    pub is_active: Option<bool>,
    pub is_default: Option<bool>,
}

impl From<NewLicense> for kaiten_domain::license::NewLicense {
    fn from(value: NewLicense) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            license_type: value.license_type.into(),
            version_name: value.version_name,
            family_slug: value.family_slug,
            lifecycle_state: value.lifecycle_state.map(Into::into),
            is_active: value.is_active,
            is_default: value.is_default,
        }
    }
}

/// The body of `PUT /api/licenses/{slug}`: a full replacement — an omitted `description` is `""`,
/// `versionName` cleared, `isDefault` false. The slug, version, family and lifecycle stay (the
/// lifecycle moves by publish, archive and unarchive).
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseUpdate {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[serde(rename = "type")]
    pub license_type: LicenseType,
    pub description: Option<String>,
    pub version_name: Option<String>,
    pub is_default: Option<bool>,
}

impl From<LicenseUpdate> for kaiten_domain::license::LicenseUpdate {
    fn from(value: LicenseUpdate) -> Self {
        Self {
            name: value.name,
            license_type: value.license_type.into(),
            description: value.description,
            version_name: value.version_name,
            is_default: value.is_default,
        }
    }
}

/// The body of `POST /api/licenses/{slug}/entitlements`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLicenseEntitlement {
    pub entitlement_slug: String,
    pub value: EntitlementValue,
    pub limit_cap_exceeded_overage_percent: Option<i32>,
}

impl From<NewLicenseEntitlement> for kaiten_domain::license::NewLicenseEntitlement {
    fn from(value: NewLicenseEntitlement) -> Self {
        Self {
            entitlement_slug: value.entitlement_slug,
            value: value.value.into(),
            limit_cap_exceeded_overage_percent: value.limit_cap_exceeded_overage_percent,
        }
    }
}

/// The body of `PUT /api/licenses/{slug}/entitlements/{entitlementSlug}`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseEntitlementChanges {
    pub value: EntitlementValue,
    pub limit_cap_exceeded_overage_percent: Option<i32>,
}

impl From<LicenseEntitlementChanges> for kaiten_domain::license::LicenseEntitlementChanges {
    fn from(value: LicenseEntitlementChanges) -> Self {
        Self { value: value.value.into(), limit_cap_exceeded_overage_percent: value.limit_cap_exceeded_overage_percent }
    }
}

#[cfg(test)]
#[path = "license_tests.rs"]
mod tests;
