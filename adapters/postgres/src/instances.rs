//! `PgInstanceRepository`: instances (read with the slugs of their references), references by slug
//! or id, and usage aggregates under row locks.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::{customers, deployment_zones, instances, licenses};
use crate::scoped::newest_page_and_total;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::instances::{InstanceRepository, ReferenceKey, ReferenceTarget};
use kaiten_domain::instance::{Instance, InstanceStatus, Reference, UsageAggregate};
use kaiten_domain::instance_audit::{AuditEntry, AuditFilter};
use kaiten_domain::{Page, PageKey, Paged, Slug};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = instances, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
struct InstanceRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    description: String,
    customer_id: Option<Uuid>,
    license_id: Option<Uuid>,
    deployment_zone_id: Option<Uuid>,
    start_license_date: DateTime<Utc>,
    end_license_date: DateTime<Utc>,
    platform: Option<Value>,
    metadata: Option<Value>,
    status: Option<String>,
    lifecycle_stage: Option<String>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
    deleted_at: Option<DateTime<Utc>>,
}

/// A row with the slugs of its customer, license and zone.
type JoinedRow = (InstanceRow, Option<String>, Option<String>, Option<String>);

fn slug(raw: &str) -> Result<Slug, RepoError> {
    Slug::parse(raw).map_err(RepoError::from)
}

fn optional_slug(raw: Option<String>) -> Result<Option<Slug>, RepoError> {
    raw.as_deref().map(slug).transpose()
}

impl InstanceRow {
    fn from_domain(i: &Instance) -> Self {
        Self {
            id: i.id,
            organization_id: i.organization_id,
            name: i.name.clone(),
            slug: i.slug.to_string(),
            description: i.description.clone(),
            customer_id: i.customer_id,
            license_id: i.license_id,
            deployment_zone_id: i.deployment_zone_id,
            start_license_date: i.start_license_date,
            end_license_date: i.end_license_date,
            platform: i.platform.clone(),
            metadata: i.metadata.clone(),
            status: i.status.map(|s| s.as_str().to_owned()),
            lifecycle_stage: i.lifecycle_stage.clone(),
            created_at: i.created_at,
            created_by: ActorColumn::from(&i.created_by),
            updated_at: i.updated_at,
            updated_by: ActorColumn::from(&i.updated_by),
            deleted_at: i.deleted_at,
        }
    }

    fn into_domain((row, customer, license, zone): JoinedRow) -> Result<Instance, RepoError> {
        let status = match row.status.as_deref() {
            Some(code) => Some(
                InstanceStatus::from_code(code)
                    .ok_or_else(|| RepoError::Unexpected(format!("stored instance status `{code}`")))?,
            ),
            None => None,
        };
        Ok(Instance {
            id: row.id,
            name: row.name,
            slug: slug(&row.slug)?,
            description: row.description,
            customer_id: row.customer_id,
            customer_slug: optional_slug(customer)?,
            license_id: row.license_id,
            license_slug: optional_slug(license)?,
            deployment_zone_id: row.deployment_zone_id,
            deployment_zone_slug: optional_slug(zone)?,
            start_license_date: row.start_license_date,
            end_license_date: row.end_license_date,
            platform: row.platform,
            metadata: row.metadata,
            status,
            lifecycle_stage: row.lifecycle_stage,
            organization_id: row.organization_id,
            created_at: row.created_at,
            created_by: row.created_by.0,
            updated_at: row.updated_at,
            updated_by: row.updated_by.0,
            deleted_at: row.deleted_at,
        })
    }
}

macro_rules! joined {
    () => {
        instances::table
            .left_join(customers::table.on(customers::id.nullable().eq(instances::customer_id)))
            .left_join(licenses::table.on(licenses::id.nullable().eq(instances::license_id)))
            .left_join(deployment_zones::table.on(deployment_zones::id.nullable().eq(instances::deployment_zone_id)))
    };
}

macro_rules! joined_columns {
    () => {
        (
            InstanceRow::as_select(),
            customers::slug.nullable(),
            licenses::slug.nullable(),
            deployment_zones::slug.nullable(),
        )
    };
}

pub(crate) struct PgInstanceRepository {
    source: ConnectionSource,
}

impl PgInstanceRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl InstanceRepository for PgInstanceRepository {
    async fn insert(&self, instance: &Instance) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        diesel::insert_into(instances::table)
            .values(InstanceRow::from_domain(instance))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn update(&self, instance: &Instance) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let changed = diesel::update(instances::table)
            .filter(instances::id.eq(instance.id))
            .filter(instances::organization_id.eq(instance.organization_id))
            .set(InstanceRow::from_domain(instance))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn soft_delete(&self, instance: &Instance) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let changed = diesel::update(instances::table)
            .filter(instances::id.eq(instance.id))
            .filter(instances::organization_id.eq(instance.organization_id))
            .filter(instances::deleted_at.is_null())
            .set(instances::deleted_at.eq(instance.deleted_at))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        s: &Slug,
        for_update: bool,
    ) -> Result<Option<Instance>, RepoError> {
        let mut conn = self.source.get().await?;
        let live = instances::organization_id
            .eq(organization_id)
            .and(instances::slug.eq(s.as_str()))
            .and(instances::deleted_at.is_null());
        if for_update {
            instances::table
                .filter(live)
                .select(instances::id)
                .for_update()
                .first::<Uuid>(&mut *conn)
                .await
                .optional()
                .map_err(repo_error)?;
        }
        let row: Option<JoinedRow> =
            joined!().filter(live).select(joined_columns!()).first(&mut *conn).await.optional().map_err(repo_error)?;
        row.map(InstanceRow::into_domain).transpose()
    }

    async fn list(
        &self,
        organization_id: Uuid,
        page: Page,
        include_deleted: bool,
    ) -> Result<Paged<Instance>, RepoError> {
        let mut conn = self.source.get().await?;
        let mut rows_query = joined!().filter(instances::organization_id.eq(organization_id)).into_boxed();
        let mut count_query = instances::table.filter(instances::organization_id.eq(organization_id)).into_boxed();
        if !include_deleted {
            rows_query = rows_query.filter(instances::deleted_at.is_null());
            count_query = count_query.filter(instances::deleted_at.is_null());
        }
        let conn = &mut *conn;
        let (rows, total): (Vec<JoinedRow>, i64) = newest_page_and_total!(conn, instances, page,
            rows: rows_query,
            select: joined_columns!(),
            count: count_query,
        )?;
        Paged::from_keyset(rows, total, page, |(row, ..)| PageKey { created_at: row.created_at, id: row.id })
            .try_map(InstanceRow::into_domain)
    }

    async fn reference(
        &self,
        organization_id: Uuid,
        target: ReferenceTarget,
        key: &ReferenceKey,
    ) -> Result<Option<Reference>, RepoError> {
        let mut conn = self.source.get().await?;
        macro_rules! lookup {
            ($table:ident) => {{
                let query = $table::table
                    .filter($table::organization_id.eq(organization_id))
                    .select(($table::id, $table::slug))
                    .into_boxed();
                let query = match key {
                    ReferenceKey::Slug(s) => query.filter($table::slug.eq(s.as_str().to_owned())),
                    ReferenceKey::Id(id) => query.filter($table::id.eq(*id)),
                };
                query.first::<(Uuid, String)>(&mut *conn).await.optional().map_err(repo_error)?
            }};
        }
        let found = match target {
            ReferenceTarget::Customer => lookup!(customers),
            ReferenceTarget::License => lookup!(licenses),
            ReferenceTarget::DeploymentZone => lookup!(deployment_zones),
        };
        found.map(|(id, s)| Ok(Reference { id, slug: slug(&s)? })).transpose()
    }

    async fn lock_usage(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        entitlement_id: Uuid,
    ) -> Result<UsageAggregate, RepoError> {
        crate::usage::lock(&mut *self.source.get().await?, organization_id, instance_id, entitlement_id).await
    }

    async fn store_usage(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        entitlement_id: Uuid,
        aggregate: UsageAggregate,
    ) -> Result<(), RepoError> {
        crate::usage::store(&mut *self.source.get().await?, organization_id, instance_id, entitlement_id, aggregate)
            .await
    }

    async fn usages(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
    ) -> Result<Vec<(Uuid, Slug, UsageAggregate)>, RepoError> {
        let rows = crate::usage::of_instance(&mut *self.source.get().await?, organization_id, instance_id).await?;
        rows.into_iter().map(|(id, s, aggregate)| Ok((id, slug(&s)?, aggregate))).collect()
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), RepoError> {
        crate::audit_trails::insert(&mut *self.source.get().await?, entry).await
    }

    async fn audit_trail(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        filter: &AuditFilter,
    ) -> Result<Paged<AuditEntry>, RepoError> {
        crate::audit_trails::page(&mut *self.source.get().await?, organization_id, instance_id, filter).await
    }
}
