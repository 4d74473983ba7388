//! The entitlement as the API returns it and its events carry it.

use crate::ToWire;
use chrono::{DateTime, Utc};
use kaiten_domain::entitlement::{AggregationMethod, EntitlementFields, EntitlementType, MeterType};
use kaiten_domain::{Actor, Slug};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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
            slug: self.slug.clone(),
            description: self.description.clone(),
            entitlement_type: self.entitlement_type,
            meter_type: self.meter_type,
            aggregation_method: self.aggregation_method,
            fields: self.fields.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone(),
        }
    }
}
