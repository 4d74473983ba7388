//! `PgReleaseRepository`.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::releases;
use crate::scoped::scoped_queries;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::catalog_resources::ReleaseRepository;
use kaiten_domain::release::Release;
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = releases, check_for_backend(diesel::pg::Pg))]
struct ReleaseRow {
    id: Uuid,
    organization_id: Uuid,
    version: String,
    slug: String,
    description: Option<String>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
}

impl ReleaseRow {
    fn from_domain(r: &Release) -> Self {
        Self {
            id: r.id,
            organization_id: r.organization_id,
            version: r.version.clone(),
            slug: r.slug.to_string(),
            description: r.description.clone(),
            created_at: r.created_at,
            created_by: ActorColumn::from(&r.created_by),
        }
    }

    fn into_domain(self) -> Result<Release, RepoError> {
        Ok(Release {
            id: self.id,
            version: self.version,
            slug: Slug::parse(&self.slug).map_err(RepoError::from)?,
            description: self.description,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
        })
    }
}

scoped_queries!(releases, ReleaseRow);

pub(crate) struct PgReleaseRepository {
    source: ConnectionSource,
}

impl PgReleaseRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl ReleaseRepository for PgReleaseRepository {
    async fn insert(&self, release: &Release) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        insert_scoped(&mut conn, ReleaseRow::from_domain(release)).await
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
    ) -> Result<Option<Release>, RepoError> {
        let mut conn = self.source.get().await?;
        find_scoped(&mut conn, organization_id, slug, for_update).await?.map(ReleaseRow::into_domain).transpose()
    }

    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<Release>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = releases::table
            .filter(releases::organization_id.eq(organization_id))
            .filter(releases::id.eq(id))
            .select(ReleaseRow::as_select())
            .for_share()
            .first(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(ReleaseRow::into_domain).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Release>, RepoError> {
        let mut conn = self.source.get().await?;
        page_scoped(&mut conn, organization_id, page).await?.try_map(ReleaseRow::into_domain)
    }
}
