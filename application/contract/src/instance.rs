//! The instance as the API returns it and its events carry it, and the payload of
//! INSTANCE_ENTITLEMENT_USAGE_REACHED.

use crate::ToWire;
use crate::mirror::mirror_enum;
use crate::values::{Actor, Quantity, Slug};
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

/// A number with its unit of aggregation, as usage values are reported: `{"type":"number","value":1000}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageLimit {
    #[serde(rename = "type")]
    pub value_type: String,
    pub value: Quantity,
}

impl From<kaiten_domain::instance::UsageLimit> for UsageLimit {
    fn from(value: kaiten_domain::instance::UsageLimit) -> Self {
        Self { value_type: value.value_type, value: value.value.into() }
    }
}

impl From<UsageLimit> for kaiten_domain::instance::UsageLimit {
    fn from(value: UsageLimit) -> Self {
        Self { value_type: value.value_type, value: value.value.into() }
    }
}

/// The aggregated usage: `{"type":"number","value":1000,"event_count":7}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageValue {
    #[serde(rename = "type")]
    pub value_type: String,
    pub value: Quantity,
    pub event_count: i64,
}

impl From<kaiten_domain::instance::UsageValue> for UsageValue {
    fn from(value: kaiten_domain::instance::UsageValue) -> Self {
        Self { value_type: value.value_type, value: value.value.into(), event_count: value.event_count }
    }
}

impl From<UsageValue> for kaiten_domain::instance::UsageValue {
    fn from(value: UsageValue) -> Self {
        Self { value_type: value.value_type, value: value.value.into(), event_count: value.event_count }
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

/// The payload of INSTANCE_ENTITLEMENT_USAGE_REACHED.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageReached {
    pub instance_id: Uuid,
    pub instance_slug: Slug,
    pub entitlement_id: Uuid,
    pub entitlement_slug: Slug,
    pub license_id: Uuid,
    pub license_slug: Slug,
    /// The instance's customer, when it has one.
    pub customer_id: Option<Uuid>,
    pub customer_slug: Option<Slug>,
    pub value: UsageValue,
    pub limit: UsageLimit,
}
