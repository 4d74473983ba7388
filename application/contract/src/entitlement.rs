//! The entitlement as the API returns it and its events carry it.

use crate::ToWire;
use crate::mirror::mirror_enum;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum EntitlementType mirrors kaiten_domain::entitlement::EntitlementType {
        Boolean,
        Number,
        /// A metered quantity of AI credits: used as NUMBER is.
        NumberAiCredit,
        Config,
    }
}

mirror_enum! {
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum MeterType mirrors kaiten_domain::entitlement::MeterType {
        CalculatedUsage,
        RawEvent,
    }
}

mirror_enum! {
    /// How usage reports of a NUMBER entitlement are folded into one value.
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum AggregationMethod mirrors kaiten_domain::entitlement::AggregationMethod {
        Sum,
        Count,
        Average,
        Max,
        Min,
        Latest,
    }
}

mirror_enum! {
    /// How often a metered entitlement's usage starts again from zero (stored and shown; usage is not
    /// reset by this build yet).
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum ResetPeriod mirrors kaiten_domain::entitlement::ResetPeriod {
        Hour,
        Day,
        Week,
        Month,
        Quarter,
        Year,
    }
}

mirror_enum! {
    /// Where reset periods start: calendar boundaries or the license's start.
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum ResetAnchor mirrors kaiten_domain::entitlement::ResetAnchor {
        Calendar,
        LicenseStart,
    }
}

/// The validated fields, as an entitlement stores and shows them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
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

impl From<kaiten_domain::entitlement::EntitlementFields> for EntitlementFields {
    fn from(value: kaiten_domain::entitlement::EntitlementFields) -> Self {
        Self {
            reset_period: value.reset_period.map(Into::into),
            reset_anchor: value.reset_anchor.map(Into::into),
            warning_threshold_percent: value.warning_threshold_percent,
            display_order: value.display_order,
            icon: value.icon,
            user_facing: value.user_facing,
            unit_singular: value.unit_singular,
            unit_plural: value.unit_plural,
            sale_unit_singular: value.sale_unit_singular,
            sale_unit_plural: value.sale_unit_plural,
            sale_unit_factor: value.sale_unit_factor,
        }
    }
}

impl From<EntitlementFields> for kaiten_domain::entitlement::EntitlementFields {
    fn from(value: EntitlementFields) -> Self {
        Self {
            reset_period: value.reset_period.map(Into::into),
            reset_anchor: value.reset_anchor.map(Into::into),
            warning_threshold_percent: value.warning_threshold_percent,
            display_order: value.display_order,
            icon: value.icon,
            user_facing: value.user_facing,
            unit_singular: value.unit_singular,
            unit_plural: value.unit_plural,
            sale_unit_singular: value.sale_unit_singular,
            sale_unit_plural: value.sale_unit_plural,
            sale_unit_factor: value.sale_unit_factor,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entitlement {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub entitlement_type: EntitlementType,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
    #[serde(flatten)]
    pub fields: EntitlementFields,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

impl ToWire for kaiten_domain::entitlement::Entitlement {
    type Wire = Entitlement;

    fn to_wire(&self) -> Entitlement {
        Entitlement {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            description: self.description.clone(),
            entitlement_type: self.entitlement_type.into(),
            meter_type: self.meter_type.map(Into::into),
            aggregation_method: self.aggregation_method.map(Into::into),
            fields: self.fields.clone().into(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEntitlement {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    /// BOOLEAN when absent.
    #[serde(rename = "type")]
    pub entitlement_type: Option<EntitlementType>,
    /// Metered types: CALCULATED_USAGE when absent.
    pub meter_type: Option<MeterType>,
    /// Metered types: SUM when absent.
    pub aggregation_method: Option<AggregationMethod>,
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    #[schema(minimum = 0, maximum = 100)]
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    /// Whether the vendor's customers see it (default false).
    pub user_facing: Option<bool>,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

impl From<NewEntitlement> for kaiten_domain::entitlement::NewEntitlement {
    fn from(value: NewEntitlement) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            entitlement_type: value.entitlement_type.map(Into::into),
            meter_type: value.meter_type.map(Into::into),
            aggregation_method: value.aggregation_method.map(Into::into),
            reset_period: value.reset_period.map(Into::into),
            reset_anchor: value.reset_anchor.map(Into::into),
            warning_threshold_percent: value.warning_threshold_percent,
            display_order: value.display_order,
            icon: value.icon,
            user_facing: value.user_facing,
            unit_singular: value.unit_singular,
            unit_plural: value.unit_plural,
            sale_unit_singular: value.sale_unit_singular,
            sale_unit_plural: value.sale_unit_plural,
            sale_unit_factor: value.sale_unit_factor,
        }
    }
}

/// The body of `PUT /api/entitlements/{slug}`: a full replacement — omitted optional fields are
/// cleared. `type`, `meterType`, `aggregationMethod`, `resetPeriod` and `resetAnchor` cannot change
/// once set: omitted, they are kept; given, they must equal the stored ones. The slug stays unless given.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntitlementUpdate {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub entitlement_type: Option<EntitlementType>,
    pub meter_type: Option<MeterType>,
    pub aggregation_method: Option<AggregationMethod>,
    pub reset_period: Option<ResetPeriod>,
    pub reset_anchor: Option<ResetAnchor>,
    #[schema(minimum = 0, maximum = 100)]
    pub warning_threshold_percent: Option<i32>,
    pub display_order: Option<i32>,
    pub icon: Option<String>,
    /// Whether the vendor's customers see it (default false).
    pub user_facing: Option<bool>,
    pub unit_singular: Option<String>,
    pub unit_plural: Option<String>,
    pub sale_unit_singular: Option<String>,
    pub sale_unit_plural: Option<String>,
    pub sale_unit_factor: Option<f64>,
}

impl From<EntitlementUpdate> for kaiten_domain::entitlement::EntitlementUpdate {
    fn from(value: EntitlementUpdate) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            entitlement_type: value.entitlement_type.map(Into::into),
            meter_type: value.meter_type.map(Into::into),
            aggregation_method: value.aggregation_method.map(Into::into),
            reset_period: value.reset_period.map(Into::into),
            reset_anchor: value.reset_anchor.map(Into::into),
            warning_threshold_percent: value.warning_threshold_percent,
            display_order: value.display_order,
            icon: value.icon,
            user_facing: value.user_facing,
            unit_singular: value.unit_singular,
            unit_plural: value.unit_plural,
            sale_unit_singular: value.sale_unit_singular,
            sale_unit_plural: value.sale_unit_plural,
            sale_unit_factor: value.sale_unit_factor,
        }
    }
}

#[cfg(test)]
#[path = "entitlement_tests.rs"]
mod tests;
