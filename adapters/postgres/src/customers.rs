//! `PgCustomerRepository`.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::customers;
use crate::scoped::{scoped_queries, scoped_update};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::customers::CustomerRepository;
use kaiten_domain::customer::Customer;
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = customers,
    check_for_backend(diesel::pg::Pg),
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct CustomerRow {
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

impl CustomerRow {
    fn from_domain(c: &Customer) -> Self {
        Self {
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
        }
    }

    fn into_domain(self) -> Result<Customer, RepoError> {
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

scoped_queries!(customers, CustomerRow);
scoped_update!(customers, CustomerRow);

pub(crate) struct PgCustomerRepository {
    source: ConnectionSource,
}

impl PgCustomerRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl CustomerRepository for PgCustomerRepository {
    async fn insert(&self, customer: &Customer) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        insert_scoped(&mut conn, CustomerRow::from_domain(customer)).await
    }

    async fn update(&self, customer: &Customer) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        update_scoped(&mut conn, customer.organization_id, customer.id, CustomerRow::from_domain(customer)).await
    }

    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        delete_scoped(&mut conn, organization_id, id).await
    }

    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Customer>, RepoError> {
        let mut conn = self.source.get().await?;
        find_scoped(&mut conn, organization_id, slug, for_update).await?.map(CustomerRow::into_domain).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Customer>, RepoError> {
        let mut conn = self.source.get().await?;
        page_scoped(&mut conn, organization_id, page).await?.try_map(CustomerRow::into_domain)
    }
}
