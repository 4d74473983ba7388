//! The customer as the API returns it and its events carry it.

use crate::ToWire;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A customer, exactly as the API returns it and as its events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub external_customer_id: Option<String>,
    /// The customer's web domain (`acme.example`).
    pub domain: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

impl ToWire for kaiten_domain::customer::Customer {
    type Wire = Customer;

    fn to_wire(&self) -> Customer {
        Customer {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            external_customer_id: self.external_customer_id.clone(),
            domain: self.domain.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
    }
}
