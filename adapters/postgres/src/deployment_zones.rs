//! `PgDeploymentZoneRepository`: zones, read with their current release (its history is
//! `PgDeploymentRepository`).

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::{deployment_zones, instances, releases};
use crate::scoped::{RowKey, RowLock, newest_page_and_total};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::RunQueryDsl;
use kaiten_application::ports::scoped::ScopedRepository;
use kaiten_application::{Conflict, RepoError};
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::{OutboxEvent, Page, PageKey, Paged, Slug};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = deployment_zones, check_for_backend(diesel::pg::Pg))]
struct ZoneRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    zone_type: String,
    description: String,
    metadata: Option<Value>,
    current_release_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
}

impl ZoneRow {
    fn from_domain(z: &DeploymentZone) -> Self {
        Self {
            id: z.id,
            organization_id: z.organization_id,
            name: z.name.clone(),
            slug: z.slug.to_string(),
            zone_type: z.zone_type.clone(),
            description: z.description.clone(),
            metadata: z.metadata.clone(),
            current_release_id: z.release_id,
            created_at: z.created_at,
            created_by: ActorColumn::from(&z.created_by),
            updated_at: z.updated_at,
            updated_by: ActorColumn::from(&z.updated_by),
        }
    }
}

/// The fields an update may change (the current release changes only through a deployment).
#[derive(AsChangeset)]
#[diesel(table_name = deployment_zones, treat_none_as_null = true)]
struct ZoneChanges<'a> {
    name: &'a str,
    slug: &'a str,
    zone_type: &'a str,
    description: &'a str,
    metadata: Option<&'a Value>,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
}

pub(crate) fn slug(raw: &str) -> Result<Slug, RepoError> {
    Slug::parse(raw).map_err(RepoError::from)
}

impl ZoneRow {
    fn into_domain(self, release_slug: Option<String>) -> Result<DeploymentZone, RepoError> {
        Ok(DeploymentZone {
            id: self.id,
            name: self.name,
            slug: slug(&self.slug)?,
            zone_type: self.zone_type,
            description: self.description,
            metadata: self.metadata,
            release_id: self.current_release_id,
            release_slug: release_slug.as_deref().map(slug).transpose()?,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
            updated_at: self.updated_at,
            updated_by: self.updated_by.0,
        })
    }
}

/// The organization's zone found by `key`, with its current release's slug. A lock is taken on the
/// zone row alone, first, so that concurrent deployments to one zone are serialised.
async fn find_zone(
    conn: &mut diesel_async::AsyncPgConnection,
    organization_id: Uuid,
    key: RowKey<'_>,
    lock: RowLock,
) -> Result<Option<DeploymentZone>, RepoError> {
    let by_key: Box<dyn BoxableExpression<deployment_zones::table, Pg, SqlType = Bool>> = match key {
        RowKey::Slug(slug) => Box::new(deployment_zones::slug.eq(slug.to_string())),
        RowKey::Id(id) => Box::new(deployment_zones::id.eq(id)),
    };
    let locked = deployment_zones::table
        .filter(deployment_zones::organization_id.eq(organization_id))
        .filter(by_key)
        .select(deployment_zones::id);
    match lock {
        RowLock::None => {}
        RowLock::Share => {
            locked.for_share().first::<Uuid>(conn).await.optional().map_err(repo_error)?;
        }
        RowLock::Update => {
            locked.for_update().first::<Uuid>(conn).await.optional().map_err(repo_error)?;
        }
    }
    let joined = deployment_zones::table
        .left_join(releases::table.on(releases::id.nullable().eq(deployment_zones::current_release_id)))
        .filter(deployment_zones::organization_id.eq(organization_id))
        .select((ZoneRow::as_select(), releases::slug.nullable()));
    let row = match key {
        RowKey::Slug(slug) => joined.filter(deployment_zones::slug.eq(slug.as_str())).first(conn).await,
        RowKey::Id(id) => joined.filter(deployment_zones::id.eq(id)).first(conn).await,
    };
    let row: Option<(ZoneRow, Option<String>)> = row.optional().map_err(repo_error)?;
    row.map(|(zone, release_slug)| zone.into_domain(release_slug)).transpose()
}

pub(crate) struct PgDeploymentZoneRepository {
    source: ConnectionSource,
}

impl PgDeploymentZoneRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl ScopedRepository<DeploymentZone> for PgDeploymentZoneRepository {
    async fn insert_reported(&self, z: &DeploymentZone, event: &OutboxEvent) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let insert = diesel::insert_into(deployment_zones::table).values(ZoneRow::from_domain(z));
        crate::reported::insert_with_event(&mut conn, insert, event).await
    }

    async fn update(&self, z: &DeploymentZone) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let changes = ZoneChanges {
            name: &z.name,
            slug: z.slug.as_str(),
            zone_type: z.zone_type.as_str(),
            description: &z.description,
            metadata: z.metadata.as_ref(),
            updated_at: z.updated_at,
            updated_by: ActorColumn::from(&z.updated_by),
        };
        let changed = diesel::update(deployment_zones::table)
            .filter(deployment_zones::id.eq(z.id))
            .filter(deployment_zones::organization_id.eq(z.organization_id))
            .set(changes)
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        // The caller holds the zone row locked, so no instance can be placed in it meanwhile.
        let live_instances: i64 = instances::table
            .filter(instances::deployment_zone_id.eq(id))
            .filter(instances::organization_id.eq(organization_id))
            .filter(instances::deleted_at.is_null())
            .count()
            .get_result(&mut *conn)
            .await
            .map_err(repo_error)?;
        if live_instances > 0 {
            return Err(RepoError::Conflict(Conflict::new(
                "zone_in_use",
                "instances are still placed in this deployment zone",
            )));
        }
        let deleted = diesel::delete(deployment_zones::table)
            .filter(deployment_zones::id.eq(id))
            .filter(deployment_zones::organization_id.eq(organization_id))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if deleted == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<DeploymentZone>, RepoError> {
        let mut conn = self.source.get().await?;
        find_zone(&mut conn, organization_id, RowKey::Slug(slug), RowLock::for_update(for_update)).await
    }

    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<DeploymentZone>, RepoError> {
        let mut conn = self.source.get().await?;
        find_zone(&mut conn, organization_id, RowKey::Id(id), RowLock::Share).await
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<DeploymentZone>, RepoError> {
        let mut conn = self.source.get().await?;
        let conn = &mut *conn;
        let of_organization = deployment_zones::organization_id.eq(organization_id);
        let with_release = releases::table.on(releases::id.nullable().eq(deployment_zones::current_release_id));
        let (rows, total): (Vec<(ZoneRow, Option<String>)>, i64) = newest_page_and_total!(conn, deployment_zones, page,
            rows: deployment_zones::table.left_join(with_release).filter(of_organization).into_boxed(),
            select: (ZoneRow::as_select(), releases::slug.nullable()),
            count: deployment_zones::table.filter(of_organization),
        )?;
        Paged::from_keyset(rows, total, page, |(zone, _)| PageKey { created_at: zone.created_at, id: zone.id })
            .try_map(|(zone, release)| zone.into_domain(release))
    }
}
