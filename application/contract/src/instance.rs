//! The instance as the API returns it and its events carry it, what its routes take, and its audit
//! trail's entries.

use crate::ToWire;
use crate::mirror::mirror_enum;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    /// An instance's operational status.
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum InstanceStatus mirrors kaiten_domain::instance::InstanceStatus {
        Healthy,
        Degraded,
        Incident,
        Maintenance,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub customer_id: Option<Uuid>,
    pub customer_slug: Option<Slug>,
    pub license_id: Option<Uuid>,
    pub license_slug: Option<Slug>,
    pub deployment_zone_id: Option<Uuid>,
    pub deployment_zone_slug: Option<Slug>,
    pub start_license_date: DateTime<Utc>,
    /// [`OPEN_ENDED`] when the license term has no end.
    pub end_license_date: DateTime<Utc>,
    #[schema(value_type = Option<Object>)]
    pub platform: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// The operational status: HEALTHY, DEGRADED, INCIDENT or MAINTENANCE (`PATCH`).
    pub status: Option<InstanceStatus>,
    /// Free text, e.g. ONBOARDING, ACTIVE, CHURNED (`PATCH`).
    pub lifecycle_stage: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl ToWire for kaiten_domain::instance::Instance {
    type Wire = Instance;

    fn to_wire(&self) -> Instance {
        Instance {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            description: self.description.clone(),
            customer_id: self.customer_id,
            customer_slug: self.customer_slug.clone().map(Into::into),
            license_id: self.license_id,
            license_slug: self.license_slug.clone().map(Into::into),
            deployment_zone_id: self.deployment_zone_id,
            deployment_zone_slug: self.deployment_zone_slug.clone().map(Into::into),
            start_license_date: self.start_license_date,
            end_license_date: self.end_license_date,
            platform: self.platform.clone(),
            metadata: self.metadata.clone(),
            status: self.status.map(Into::into),
            lifecycle_stage: self.lifecycle_stage.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
            deleted_at: self.deleted_at,
        }
    }
}

/// The body of `POST /api/instances`: references by slug or by id.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewInstance {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    pub customer_slug: Option<String>,
    pub customer_id: Option<Uuid>,
    pub license_slug: Option<String>,
    pub license_id: Option<Uuid>,
    pub deployment_zone_slug: Option<String>,
    pub deployment_zone_id: Option<Uuid>,
    pub start_license_date: Option<DateTime<Utc>>,
    pub end_license_date: Option<DateTime<Utc>>,
    #[schema(value_type = Option<Object>)]
    pub platform: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl From<NewInstance> for kaiten_domain::instance::NewInstance {
    fn from(value: NewInstance) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            customer_slug: value.customer_slug,
            customer_id: value.customer_id,
            license_slug: value.license_slug,
            license_id: value.license_id,
            deployment_zone_slug: value.deployment_zone_slug,
            deployment_zone_id: value.deployment_zone_id,
            start_license_date: value.start_license_date,
            end_license_date: value.end_license_date,
            platform: value.platform,
            metadata: value.metadata,
        }
    }
}

/// The body of `PUT /api/instances/{slug}`: a replacement of the instance's details — an omitted
/// `description` is `""`, omitted `platform` and `metadata` are cleared. Its references and term are
/// kept unless given: an omitted customer, license, zone or date keeps it; an explicit `null` zone
/// takes the instance out of its zone, an explicit `null` date resets it (start: the creation time,
/// end: open).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceChanges {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    pub customer_slug: Option<String>,
    pub customer_id: Option<Uuid>,
    pub license_slug: Option<String>,
    pub license_id: Option<Uuid>,
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::double_option")]
    #[schema(value_type = Option<String>)]
    pub deployment_zone_slug: Option<Option<String>>,
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub deployment_zone_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub start_license_date: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub end_license_date: Option<Option<DateTime<Utc>>>,
    #[schema(value_type = Option<Object>)]
    pub platform: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl From<InstanceChanges> for kaiten_domain::instance::InstanceChanges {
    fn from(value: InstanceChanges) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            customer_slug: value.customer_slug,
            customer_id: value.customer_id,
            license_slug: value.license_slug,
            license_id: value.license_id,
            deployment_zone_slug: value.deployment_zone_slug,
            deployment_zone_id: value.deployment_zone_id,
            start_license_date: value.start_license_date,
            end_license_date: value.end_license_date,
            platform: value.platform,
            metadata: value.metadata,
        }
    }
}

/// The body of `PATCH /api/instances/{slug}`: a new status, a new lifecycle stage, or both.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstancePatch {
    pub status: Option<InstanceStatus>,
    #[schema(min_length = 1, max_length = 100)]
    pub lifecycle_stage: Option<String>,
}

impl From<InstancePatch> for kaiten_domain::instance::InstancePatch {
    fn from(value: InstancePatch) -> Self {
        Self { status: value.status.map(Into::into), lifecycle_stage: value.lifecycle_stage }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub instance_slug: Slug,
    pub event_name: String,
    pub event_type: String,
    /// When it happened.
    #[serde(rename = "timestamp")]
    pub created_at: DateTime<Utc>,
    /// What the event carried.
    #[schema(value_type = Object)]
    pub payload: Value,
}

impl From<kaiten_domain::instance_audit::AuditEntry> for AuditEntry {
    fn from(value: kaiten_domain::instance_audit::AuditEntry) -> Self {
        Self {
            id: value.id,
            instance_id: value.instance_id,
            instance_slug: value.instance_slug.into(),
            event_name: value.event_name,
            event_type: value.event_type,
            created_at: value.created_at,
            payload: value.payload,
        }
    }
}
