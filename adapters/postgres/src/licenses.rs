//! `PgLicenseRepository`: licenses, read with their family's slug (a default license takes over from
//! its family's previous default), and `PgLicenseFamilyRepository`: the families and their versions.

use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::license_rows::{LicenseRow, family_slugs};
use crate::schema::{license_families, licenses};
use crate::scoped::{RowKey, RowLock, ScopedTable, scoped_table};
use crate::snapshot::in_transaction;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AnsiTransactionManager, RunQueryDsl, TransactionManager};
use kaiten_application::RepoError;
use kaiten_application::ports::licenses::LicenseFamilyRepository;
use kaiten_application::ports::scoped::ScopedRepository;
use kaiten_domain::license::{License, LicenseFamily};
use kaiten_domain::{OutboxEvent, Page, Paged, Slug};
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

scoped_table!(licenses, LicenseRow);

/// The license in `row`, its family's slug read alongside.
async fn with_family(conn: &mut diesel_async::AsyncPgConnection, row: LicenseRow) -> Result<License, RepoError> {
    let families = family_slugs(conn, [row.family_id]).await?;
    row.into_domain(&families)
}

pub(crate) struct PgLicenseRepository {
    source: ConnectionSource,
}

impl PgLicenseRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl ScopedRepository<License> for PgLicenseRepository {
    async fn insert_reported(&self, license: &License, event: &OutboxEvent) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        let row = LicenseRow::from_domain(license);
        if !license.is_default {
            return LicenseRow::insert_reported(&mut conn, row, event).await;
        }
        // Taking over as the family's default is a statement of its own: both in one transaction.
        let own = !in_transaction(&mut conn);
        if own {
            AnsiTransactionManager::begin_transaction(&mut *conn).await.map_err(repo_error)?;
        }
        let written = async {
            clear_other_defaults(&mut conn, license).await?;
            LicenseRow::insert_reported(&mut conn, row, event).await
        }
        .await;
        if !own {
            return written;
        }
        crate::snapshot::end_transaction(&mut conn, written.map(|()| true)).await
    }

    async fn update(&self, license: &License) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        clear_other_defaults(&mut conn, license).await?;
        LicenseRow::replace(&mut conn, LicenseRow::from_domain(license)).await
    }

    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        LicenseRow::delete(&mut conn, organization_id, id).await
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
        let found = LicenseRow::find(&mut conn, organization_id, RowKey::Slug(slug), RowLock::Update).await?;
        match found {
            Some(row) => with_family(&mut conn, row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<License>, RepoError> {
        let mut conn = self.source.get().await?;
        match LicenseRow::find(&mut conn, organization_id, RowKey::Id(id), RowLock::Share).await? {
            Some(row) => with_family(&mut conn, row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<License>, RepoError> {
        let mut conn = self.source.get().await?;
        let rows = LicenseRow::page(&mut conn, organization_id, page).await?;
        let families = family_slugs(&mut conn, rows.items.iter().map(|row| row.family_id)).await?;
        rows.try_map(|row| row.into_domain(&families))
    }
}

pub(crate) struct PgLicenseFamilyRepository {
    source: ConnectionSource,
}

impl PgLicenseFamilyRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl LicenseFamilyRepository for PgLicenseFamilyRepository {
    async fn insert(&self, organization_id: Uuid, family: &LicenseFamily, now: DateTime<Utc>) -> Result<(), RepoError> {
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
}
