//! `PgLicenseRepository`: licenses, their families (versions), and their entitlement links.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::license_rows::{LicenseRow, family_slugs, stored_value};
use crate::schema::{entitlements, license_entitlements, license_families, licenses};
use crate::scoped::{scoped_queries, scoped_update};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::licenses::LicenseRepository;
use kaiten_domain::entitlement::EntitlementType;
use kaiten_domain::license::{License, LicenseEntitlement, LicenseFamily};
use kaiten_domain::{Page, Paged, Slug};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// A default license takes over: its family's other versions stop being the default.
async fn clear_other_defaults(conn: &mut diesel_async::AsyncPgConnection, license: &License) -> Result<(), RepoError> {
    if !license.is_default {
        return Ok(());
    }
    diesel::update(licenses::table)
        .filter(licenses::family_id.eq(license.family_id))
        .filter(licenses::id.ne(license.id))
        .filter(licenses::is_default)
        .set(licenses::is_default.eq(false))
        .execute(conn)
        .await
        .map_err(repo_error)?;
    Ok(())
}

scoped_queries!(licenses, LicenseRow);
scoped_update!(licenses, LicenseRow);

pub(crate) struct PgLicenseRepository {
    source: ConnectionSource,
}

impl PgLicenseRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

/// A grant as read: the entitlement (id, slug, name, type), the value (type, value), created and
/// updated (when, by whom).
type GrantRow = (
    (Uuid, String, String, String),
    (String, Value, Option<i32>),
    (DateTime<Utc>, ActorColumn),
    (DateTime<Utc>, ActorColumn),
);

#[async_trait]
impl LicenseRepository for PgLicenseRepository {
    async fn insert(&self, license: &License) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        clear_other_defaults(&mut conn, license).await?;
        insert_scoped(&mut conn, LicenseRow::from_domain(license)).await
    }

    async fn update(&self, license: &License) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        clear_other_defaults(&mut conn, license).await?;
        update_scoped(&mut conn, license.organization_id, license.id, LicenseRow::from_domain(license)).await
    }

    async fn insert_family(
        &self,
        organization_id: Uuid,
        family: &LicenseFamily,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        diesel::insert_into(license_families::table)
            .values((
                license_families::id.eq(family.id),
                license_families::organization_id.eq(organization_id),
                license_families::slug.eq(family.slug.as_str()),
                license_families::last_version.eq(family.last_version),
                license_families::created_at.eq(now),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn next_version_of(
        &self,
        organization_id: Uuid,
        slug: &Slug,
    ) -> Result<Option<(LicenseFamily, i32)>, RepoError> {
        let mut conn = self.source.get().await?;
        let row: Option<(Uuid, String, i32)> = diesel::update(license_families::table)
            .filter(license_families::organization_id.eq(organization_id))
            .filter(license_families::slug.eq(slug.as_str()))
            .set(license_families::last_version.eq(license_families::last_version + 1))
            .returning((license_families::id, license_families::slug, license_families::last_version))
            .get_result(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(|(id, slug, version)| {
            let family =
                LicenseFamily { id, slug: Slug::parse(&slug).map_err(RepoError::from)?, last_version: version };
            Ok((family, version))
        })
        .transpose()
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
    ) -> Result<Option<License>, RepoError> {
        let mut conn = self.source.get().await?;
        if !for_update {
            // A read joins the family's slug in; a locking read locks the license row alone (below).
            let found: Option<(LicenseRow, String)> = licenses::table
                .inner_join(license_families::table)
                .filter(licenses::organization_id.eq(organization_id))
                .filter(licenses::slug.eq(slug.as_str()))
                .select((LicenseRow::as_select(), license_families::slug))
                .first(&mut *conn)
                .await
                .optional()
                .map_err(repo_error)?;
            return found
                .map(|(row, family)| {
                    let families = HashMap::from([(row.family_id, family)]);
                    row.into_domain(&families)
                })
                .transpose();
        }
        let Some(row) = find_scoped(&mut conn, organization_id, slug, true).await? else { return Ok(None) };
        let families = family_slugs(&mut conn, [row.family_id]).await?;
        row.into_domain(&families).map(Some)
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<License>, RepoError> {
        let mut conn = self.source.get().await?;
        let rows = page_scoped(&mut conn, organization_id, page).await?;
        let families = family_slugs(&mut conn, rows.items.iter().map(|row| row.family_id)).await?;
        rows.try_map(|row| row.into_domain(&families))
    }

    async fn assign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let (value_type, value) = stored_value(&link.value)?;
        diesel::insert_into(license_entitlements::table)
            .values((
                license_entitlements::license_id.eq(link.license_id),
                license_entitlements::entitlement_id.eq(link.entitlement_id),
                license_entitlements::organization_id.eq(organization_id),
                license_entitlements::value_type.eq(value_type),
                license_entitlements::value.eq(value),
                license_entitlements::overage_percent.eq(link.limit_cap_exceeded_overage_percent),
                license_entitlements::created_at.eq(link.created_at),
                license_entitlements::created_by.eq(ActorColumn::from(&link.created_by)),
                license_entitlements::updated_at.eq(link.updated_at),
                license_entitlements::updated_by.eq(ActorColumn::from(&link.updated_by)),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn update_link(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let (value_type, value) = stored_value(&link.value)?;
        let changed = diesel::update(license_entitlements::table)
            .filter(license_entitlements::license_id.eq(link.license_id))
            .filter(license_entitlements::entitlement_id.eq(link.entitlement_id))
            .filter(license_entitlements::organization_id.eq(organization_id))
            .set((
                license_entitlements::value_type.eq(value_type),
                license_entitlements::value.eq(value),
                license_entitlements::overage_percent.eq(link.limit_cap_exceeded_overage_percent),
                license_entitlements::updated_at.eq(link.updated_at),
                license_entitlements::updated_by.eq(ActorColumn::from(&link.updated_by)),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn unassign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let deleted = diesel::delete(license_entitlements::table)
            .filter(license_entitlements::license_id.eq(link.license_id))
            .filter(license_entitlements::entitlement_id.eq(link.entitlement_id))
            .filter(license_entitlements::organization_id.eq(organization_id))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        if deleted == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn links(&self, organization_id: Uuid, license: &License) -> Result<Vec<LicenseEntitlement>, RepoError> {
        let mut conn = self.source.get().await?;
        let rows: Vec<GrantRow> = license_entitlements::table
            .inner_join(entitlements::table.on(entitlements::id.eq(license_entitlements::entitlement_id)))
            .filter(license_entitlements::license_id.eq(license.id))
            .filter(license_entitlements::organization_id.eq(organization_id))
            .order((license_entitlements::created_at.asc(), entitlements::slug.asc()))
            .select((
                (entitlements::id, entitlements::slug, entitlements::name, entitlements::entitlement_type),
                (license_entitlements::value_type, license_entitlements::value, license_entitlements::overage_percent),
                (license_entitlements::created_at, license_entitlements::created_by),
                (license_entitlements::updated_at, license_entitlements::updated_by),
            ))
            .load(&mut *conn)
            .await
            .map_err(repo_error)?;
        rows.into_iter()
            .map(
                |(
                    (entitlement_id, entitlement_slug, entitlement_name, kind),
                    (value_type, value, overage),
                    created,
                    updated,
                )| {
                    let value = serde_json::from_value(serde_json::json!({"type": value_type, "value": value}))
                        .map_err(|e| RepoError::Unexpected(format!("stored entitlement value: {e}")))?;
                    Ok(LicenseEntitlement {
                        license_id: license.id,
                        license_slug: license.slug.clone(),
                        entitlement_id,
                        entitlement_slug: Slug::parse(&entitlement_slug).map_err(RepoError::from)?,
                        entitlement_name,
                        entitlement_type: EntitlementType::from_code(&kind)
                            .ok_or_else(|| RepoError::Unexpected(format!("stored entitlement type `{kind}`")))?,
                        value,
                        limit_cap_exceeded_overage_percent: overage,
                        created_at: created.0,
                        created_by: created.1.0,
                        updated_at: updated.0,
                        updated_by: updated.1.0,
                    })
                },
            )
            .collect()
    }
}
