//! `PgDeploymentRepository`: the deployment history of zones.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::deployment_zones::slug;
use crate::errors::repo_error;
use crate::schema::{deployment_zones, deployments};
use crate::scoped::newest_page_and_total;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::deployment_zones::DeploymentRepository;
use kaiten_domain::deployment_zone::{Deployment, DeploymentZone};
use kaiten_domain::{Page, PageKey, Paged};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = deployments, check_for_backend(diesel::pg::Pg))]
struct DeploymentRow {
    id: Uuid,
    organization_id: Uuid,
    deployment_zone_id: Uuid,
    release_id: Option<Uuid>,
    release_slug: String,
    version: String,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
}

pub(crate) struct PgDeploymentRepository {
    source: ConnectionSource,
}

impl PgDeploymentRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl DeploymentRepository for PgDeploymentRepository {
    async fn record(&self, organization_id: Uuid, d: &Deployment) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let row = DeploymentRow {
            id: d.id,
            organization_id,
            deployment_zone_id: d.deployment_zone_id,
            release_id: d.release_id,
            release_slug: d.release_slug.to_string(),
            version: d.version.clone(),
            created_at: d.created_at,
            created_by: ActorColumn::from(&d.created_by),
        };
        diesel::insert_into(deployments::table).values(row).execute(&mut *conn).await.map_err(repo_error)?;
        let changed = diesel::update(deployment_zones::table)
            .filter(deployment_zones::id.eq(d.deployment_zone_id))
            .filter(deployment_zones::organization_id.eq(organization_id))
            .set(deployment_zones::current_release_id.eq(d.release_id))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn of_zone(
        &self,
        organization_id: Uuid,
        zone: &DeploymentZone,
        page: Page,
    ) -> Result<Paged<Deployment>, RepoError> {
        let mut conn = self.source.get().await?;
        let conn = &mut *conn;
        let scope = deployments::deployment_zone_id.eq(zone.id).and(deployments::organization_id.eq(organization_id));
        let (rows, total): (Vec<DeploymentRow>, i64) = newest_page_and_total!(conn, deployments, page,
            rows: deployments::table.filter(scope).into_boxed(),
            select: DeploymentRow::as_select(),
            count: deployments::table.filter(scope),
        )?;
        Paged::from_keyset(rows, total, page, |r| PageKey { created_at: r.created_at, id: r.id }).try_map(|r| {
            Ok(Deployment {
                id: r.id,
                deployment_zone_id: r.deployment_zone_id,
                deployment_zone_slug: zone.slug.clone(),
                release_id: r.release_id,
                release_slug: slug(&r.release_slug)?,
                version: r.version,
                created_at: r.created_at,
                created_by: r.created_by.0,
            })
        })
    }
}
