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

/// The body of `POST /api/customers`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCustomer {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    /// Derived from the name when omitted.
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub external_customer_id: Option<String>,
    #[schema(pattern = r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$")]
    pub domain: Option<String>,
}

impl From<NewCustomer> for kaiten_domain::customer::NewCustomer {
    fn from(value: NewCustomer) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            external_customer_id: value.external_customer_id,
            domain: value.domain,
        }
    }
}

/// The body of `PUT /api/customers/{slug}`: a full replacement — an omitted `externalCustomerId` or
/// `domain` is cleared; an omitted `slug` keeps the slug (a given one renames the customer).
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerUpdate {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub external_customer_id: Option<String>,
    #[schema(pattern = r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$")]
    pub domain: Option<String>,
}

impl From<CustomerUpdate> for kaiten_domain::customer::CustomerUpdate {
    fn from(value: CustomerUpdate) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            external_customer_id: value.external_customer_id,
            domain: value.domain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_is_refused() {
        assert!(serde_json::from_str::<CustomerUpdate>(r#"{"name":"x","nmae":"y"}"#).is_err());
    }
}
