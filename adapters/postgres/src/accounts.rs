//! Organizations and service accounts (their tokens: [`crate::tokens`]).

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::{organizations, service_accounts};
use crate::scoped::newest_page_and_total;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::accounts::{OrganizationRepository, ServiceAccountRepository};
use kaiten_domain::organization::Organization;
use kaiten_domain::token::ServiceAccount;
use kaiten_domain::{EventNaming, Page, PageKey, Paged, Slug};
use uuid::Uuid;

pub(crate) fn slug(raw: &str) -> Result<Slug, RepoError> {
    Slug::parse(raw).map_err(RepoError::from)
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg))]
struct OrganizationRow {
    id: Uuid,
    name: String,
    slug: String,
    created_at: DateTime<Utc>,
    webhook_event_names: String,
}

impl OrganizationRow {
    fn into_domain(self) -> Result<Organization, RepoError> {
        let naming = EventNaming::from_code(&self.webhook_event_names)
            .ok_or_else(|| RepoError::Unexpected(format!("stored event naming `{}`", self.webhook_event_names)))?;
        Ok(Organization {
            id: self.id,
            name: self.name,
            slug: slug(&self.slug)?,
            created_at: self.created_at,
            webhook_event_names: naming,
        })
    }
}

pub(crate) struct PgOrganizationRepository {
    source: ConnectionSource,
}

impl PgOrganizationRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl OrganizationRepository for PgOrganizationRepository {
    async fn insert(&self, o: &Organization) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let row = OrganizationRow {
            id: o.id,
            name: o.name.clone(),
            slug: o.slug.to_string(),
            created_at: o.created_at,
            webhook_event_names: o.webhook_event_names.as_str().to_owned(),
        };
        diesel::insert_into(organizations::table).values(row).execute(&mut *conn).await.map_err(repo_error)?;
        Ok(())
    }

    async fn find(&self, id: Uuid) -> Result<Option<Organization>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = organizations::table
            .find(id)
            .select(OrganizationRow::as_select())
            .first(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(OrganizationRow::into_domain).transpose()
    }

    async fn set_webhook_event_names(&self, id: Uuid, naming: EventNaming) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let changed = diesel::update(organizations::table.find(id))
            .set(organizations::webhook_event_names.eq(naming.as_str()))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = service_accounts, check_for_backend(diesel::pg::Pg))]
struct ServiceAccountRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
}

impl ServiceAccountRow {
    fn into_domain(self) -> Result<ServiceAccount, RepoError> {
        Ok(ServiceAccount {
            id: self.id,
            name: self.name,
            slug: slug(&self.slug)?,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
        })
    }
}

pub(crate) struct PgServiceAccountRepository {
    source: ConnectionSource,
}

impl PgServiceAccountRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl ServiceAccountRepository for PgServiceAccountRepository {
    async fn insert(&self, a: &ServiceAccount) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let row = ServiceAccountRow {
            id: a.id,
            organization_id: a.organization_id,
            name: a.name.clone(),
            slug: a.slug.to_string(),
            created_at: a.created_at,
            created_by: ActorColumn::from(&a.created_by),
        };
        diesel::insert_into(service_accounts::table).values(row).execute(&mut *conn).await.map_err(repo_error)?;
        Ok(())
    }

    async fn rename(&self, account: &ServiceAccount) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let changed = diesel::update(service_accounts::table)
            .filter(service_accounts::id.eq(account.id))
            .filter(service_accounts::organization_id.eq(account.organization_id))
            .set(service_accounts::name.eq(&account.name))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn find_by_slug(&self, organization_id: Uuid, s: &Slug) -> Result<Option<ServiceAccount>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = service_accounts::table
            .filter(service_accounts::organization_id.eq(organization_id))
            .filter(service_accounts::slug.eq(s.as_str()))
            .select(ServiceAccountRow::as_select())
            .first(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(ServiceAccountRow::into_domain).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<ServiceAccount>, RepoError> {
        let mut conn = self.source.get().await?;
        let conn = &mut *conn;
        let of_organization = service_accounts::organization_id.eq(organization_id);
        let (rows, total): (Vec<ServiceAccountRow>, i64) = newest_page_and_total!(conn, service_accounts, page,
            rows: service_accounts::table.filter(of_organization).into_boxed(),
            select: ServiceAccountRow::as_select(),
            count: service_accounts::table.filter(of_organization),
        )?;
        Paged::from_keyset(rows, total, page, |r| PageKey { created_at: r.created_at, id: r.id })
            .try_map(ServiceAccountRow::into_domain)
    }
}
