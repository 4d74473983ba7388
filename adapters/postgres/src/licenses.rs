//! `PgLicenseRepository`: licenses, their versions per name, and their entitlement links.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::{entitlements, license_entitlements, licenses};
use crate::scoped::{scoped_queries, scoped_update};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::licenses::LicenseRepository;
use kaiten_domain::entitlement::EntitlementType;
use kaiten_domain::license::{EntitlementValue, License, LicenseEntitlement, LicenseType};
use kaiten_domain::{Page, Paged, Slug};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = licenses, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
struct LicenseRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    description: Option<String>,
    license_type: String,
    version_name: Option<String>,
    version: i32,
    is_active: bool,
    is_default: bool,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
}

impl LicenseRow {
    fn from_domain(l: &License) -> Self {
        Self {
            id: l.id,
            organization_id: l.organization_id,
            name: l.name.clone(),
            slug: l.slug.to_string(),
            description: l.description.clone(),
            license_type: l.license_type.as_str().to_owned(),
            version_name: l.version_name.clone(),
            version: l.version,
            is_active: l.is_active,
            is_default: l.is_default,
            created_at: l.created_at,
            created_by: ActorColumn::from(&l.created_by),
            updated_at: l.updated_at,
            updated_by: ActorColumn::from(&l.updated_by),
        }
    }

    fn into_domain(self) -> Result<License, RepoError> {
        Ok(License {
            id: self.id,
            name: self.name,
            slug: Slug::parse(&self.slug).map_err(RepoError::Unexpected)?,
            description: self.description,
            license_type: LicenseType::from_code(&self.license_type)
                .ok_or_else(|| RepoError::Unexpected(format!("stored license type `{}`", self.license_type)))?,
            version_name: self.version_name,
            version: self.version,
            is_active: self.is_active,
            is_default: self.is_default,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
            updated_at: self.updated_at,
            updated_by: self.updated_by.0,
        })
    }
}

/// The stored form of a value: its type tag and its JSON.
fn stored_value(value: &EntitlementValue) -> Result<(&'static str, Value), RepoError> {
    let tagged = serde_json::to_value(value).map_err(|e| RepoError::Unexpected(e.to_string()))?;
    let tag = match value {
        EntitlementValue::Number(_) => "number",
        EntitlementValue::Boolean(_) => "boolean",
        EntitlementValue::Object(_) => "object",
    };
    Ok((tag, tagged.get("value").cloned().unwrap_or(Value::Null)))
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
type GrantRow =
    ((Uuid, String, String, String), (String, Value), (DateTime<Utc>, ActorColumn), (DateTime<Utc>, ActorColumn));

#[async_trait]
impl LicenseRepository for PgLicenseRepository {
    async fn insert(&self, license: &License) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        insert_scoped(&mut conn, LicenseRow::from_domain(license)).await
    }

    async fn update(&self, license: &License) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        update_scoped(&mut conn, license.organization_id, license.id, LicenseRow::from_domain(license)).await
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
        find_scoped(&mut conn, organization_id, slug, for_update).await?.map(LicenseRow::into_domain).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<License>, RepoError> {
        let mut conn = self.source.get().await?;
        page_scoped(&mut conn, organization_id, page).await?.try_map(LicenseRow::into_domain)
    }

    async fn next_version(&self, organization_id: Uuid, name: &str) -> Result<i32, RepoError> {
        let mut conn = self.source.get().await?;
        let highest: Option<i32> = licenses::table
            .filter(licenses::organization_id.eq(organization_id))
            .filter(licenses::name.eq(name))
            .select(diesel::dsl::max(licenses::version))
            .first(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(highest.unwrap_or(0) + 1)
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
                (license_entitlements::value_type, license_entitlements::value),
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
                    (value_type, value),
                    created,
                    updated,
                )| {
                    let value = serde_json::from_value(serde_json::json!({"type": value_type, "value": value}))
                        .map_err(|e| RepoError::Unexpected(format!("stored entitlement value: {e}")))?;
                    Ok(LicenseEntitlement {
                        license_id: license.id,
                        license_slug: license.slug.clone(),
                        entitlement_id,
                        entitlement_slug: Slug::parse(&entitlement_slug).map_err(RepoError::Unexpected)?,
                        entitlement_name,
                        entitlement_type: EntitlementType::from_code(&kind)
                            .ok_or_else(|| RepoError::Unexpected(format!("stored entitlement type `{kind}`")))?,
                        value,
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
