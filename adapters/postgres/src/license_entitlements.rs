//! `PgLicenseEntitlementRepository`: the entitlement values assigned to licenses.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::license_rows::stored_value;
use crate::schema::{entitlements, license_entitlements};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::licenses::LicenseEntitlementRepository;
use kaiten_domain::Slug;
use kaiten_domain::entitlement::EntitlementType;
use kaiten_domain::license::{License, LicenseEntitlement};
use serde_json::Value;
use uuid::Uuid;

pub(crate) struct PgLicenseEntitlementRepository {
    source: ConnectionSource,
}

impl PgLicenseEntitlementRepository {
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
impl LicenseEntitlementRepository for PgLicenseEntitlementRepository {
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

    async fn update(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError> {
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

    async fn of_license(&self, organization_id: Uuid, license: &License) -> Result<Vec<LicenseEntitlement>, RepoError> {
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
