//! Usage of an instance's metered entitlements on the wire: what a report sends, what the usage
//! routes answer, and the payload of INSTANCE_ENTITLEMENT_USAGE_REACHED.

use crate::mirror::mirror_enum;
use crate::values::{Quantity, Slug};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    /// How a usage report combines with the stored aggregate.
    #[serde(rename_all = "lowercase")]
    pub enum UsageBehavior mirrors kaiten_domain::instance::UsageBehavior {
        Append,
        Set,
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

/// The body of a usage report: `{"value": 42}` or `{"value": {"type":"number","value":42}}`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageReport {
    #[schema(value_type = Object)]
    pub value: Value,
    pub behavior: Option<UsageBehavior>,
    /// Free context of the report (an object), as Kaiten's clients send it; usage is kept as its
    /// aggregate, so it is checked, not stored.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl From<UsageReport> for kaiten_domain::instance::UsageReport {
    fn from(value: UsageReport) -> Self {
        Self { value: value.value, behavior: value.behavior.map(Into::into), metadata: value.metadata }
    }
}

/// The usage of one entitlement on one instance, as the usage routes return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InstanceUsage {
    pub instance_id: Uuid,
    pub instance_slug: Slug,
    pub entitlement_id: Uuid,
    pub entitlement_slug: Slug,
    pub license_id: Option<Uuid>,
    pub license_slug: Option<Slug>,
    pub value: UsageValue,
    pub limit: Option<UsageLimit>,
}

impl From<kaiten_domain::instance::InstanceUsage> for InstanceUsage {
    fn from(value: kaiten_domain::instance::InstanceUsage) -> Self {
        Self {
            instance_id: value.instance_id,
            instance_slug: value.instance_slug.into(),
            entitlement_id: value.entitlement_id,
            entitlement_slug: value.entitlement_slug.into(),
            license_id: value.license_id,
            license_slug: value.license_slug.map(Into::into),
            value: value.value.into(),
            limit: value.limit.map(Into::into),
        }
    }
}
