//! How a customer is stored: its row (`PgScopedRepository<CustomerRow>` is the repository).

use crate::actor_column::ActorColumn;
use crate::errors::repo_error;
use crate::schema::customers;
use crate::scoped::{ScopedRow, scoped_table};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::Slug;
use kaiten_domain::customer::Customer;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = customers,
    check_for_backend(diesel::pg::Pg),
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub(crate) struct CustomerRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    external_customer_id: Option<String>,
    domain: Option<String>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
}

impl ScopedRow for CustomerRow {
    type Entity = Customer;

    fn from_entity(c: &Customer) -> Result<Self, RepoError> {
        Ok(Self {
            id: c.id,
            organization_id: c.organization_id,
            name: c.name.clone(),
            slug: c.slug.to_string(),
            external_customer_id: c.external_customer_id.clone(),
            domain: c.domain.clone(),
            created_at: c.created_at,
            created_by: ActorColumn::from(&c.created_by),
            updated_at: c.updated_at,
            updated_by: ActorColumn::from(&c.updated_by),
        })
    }

    fn into_entity(self) -> Result<Customer, RepoError> {
        Ok(Customer {
            id: self.id,
            name: self.name,
            slug: Slug::parse(&self.slug).map_err(RepoError::from)?,
            external_customer_id: self.external_customer_id,
            domain: self.domain,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
            updated_at: self.updated_at,
            updated_by: self.updated_by.0,
        })
    }
}

scoped_table!(customers, CustomerRow);
