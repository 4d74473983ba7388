//! How a release is stored: its row (`PgScopedRepository<ReleaseRow>` is the repository).

use crate::actor_column::ActorColumn;
use crate::errors::repo_error;
use crate::schema::releases;
use crate::scoped::{ScopedRow, scoped_table};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::Slug;
use kaiten_domain::release::Release;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = releases, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub(crate) struct ReleaseRow {
    id: Uuid,
    organization_id: Uuid,
    version: String,
    slug: String,
    description: Option<String>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
}

impl ScopedRow for ReleaseRow {
    type Entity = Release;

    fn from_entity(r: &Release) -> Result<Self, RepoError> {
        Ok(Self {
            id: r.id,
            organization_id: r.organization_id,
            version: r.version.clone(),
            slug: r.slug.to_string(),
            description: r.description.clone(),
            created_at: r.created_at,
            created_by: ActorColumn::from(&r.created_by),
        })
    }

    fn into_entity(self) -> Result<Release, RepoError> {
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

scoped_table!(releases, ReleaseRow);
