//! The stored form of a license: its row, its family's slug, and an entitlement value's columns.

use crate::actor_column::ActorColumn;
use crate::errors::repo_error;
use crate::schema::{license_families, licenses};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::Slug;
use kaiten_domain::license::{EntitlementValue, License, LicenseType, LifecycleState};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = licenses, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub(crate) struct LicenseRow {
    pub(crate) id: Uuid,
    pub(crate) organization_id: Uuid,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) description: String,
    pub(crate) license_type: String,
    pub(crate) version_name: Option<String>,
    pub(crate) version: i32,
    pub(crate) family_id: Uuid,
    pub(crate) lifecycle_state: String,
    pub(crate) is_default: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) created_by: ActorColumn,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) updated_by: ActorColumn,
}

impl LicenseRow {
    pub(crate) fn from_domain(l: &License) -> Self {
        Self {
            id: l.id,
            organization_id: l.organization_id,
            name: l.name.clone(),
            slug: l.slug.to_string(),
            description: l.description.clone(),
            license_type: l.license_type.as_str().to_owned(),
            version_name: l.version_name.clone(),
            version: l.version,
            family_id: l.family_id,
            lifecycle_state: l.lifecycle_state.as_str().to_owned(),
            is_default: l.is_default,
            created_at: l.created_at,
            created_by: ActorColumn::from(&l.created_by),
            updated_at: l.updated_at,
            updated_by: ActorColumn::from(&l.updated_by),
        }
    }

    /// The license, its family's slug read from `families` (family id → slug).
    pub(crate) fn into_domain(self, families: &HashMap<Uuid, String>) -> Result<License, RepoError> {
        let family_slug = families
            .get(&self.family_id)
            .ok_or_else(|| RepoError::Unexpected(format!("license {} has no family", self.id)))?;
        let lifecycle_state = LifecycleState::from_code(&self.lifecycle_state)
            .ok_or_else(|| RepoError::Unexpected(format!("stored lifecycle state `{}`", self.lifecycle_state)))?;
        Ok(License {
            id: self.id,
            name: self.name,
            slug: Slug::parse(&self.slug).map_err(RepoError::from)?,
            description: self.description,
            license_type: LicenseType::from_code(&self.license_type)
                .ok_or_else(|| RepoError::Unexpected(format!("stored license type `{}`", self.license_type)))?,
            version_name: self.version_name,
            version: self.version,
            family_id: self.family_id,
            family_slug: Slug::parse(family_slug).map_err(RepoError::from)?,
            lifecycle_state,
            is_active: lifecycle_state == LifecycleState::Published,
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
pub(crate) fn stored_value(value: &EntitlementValue) -> Result<(&'static str, Value), RepoError> {
    let tagged = serde_json::to_value(value).map_err(|e| RepoError::Unexpected(e.to_string()))?;
    let tag = match value {
        EntitlementValue::Number(_) => "number",
        EntitlementValue::Boolean(_) => "boolean",
        EntitlementValue::Object(_) => "object",
    };
    Ok((tag, tagged.get("value").cloned().unwrap_or(Value::Null)))
}

/// The slugs of the families `ids` (id → slug).
pub(crate) async fn family_slugs(
    conn: &mut diesel_async::AsyncPgConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, RepoError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    let rows: Vec<(Uuid, String)> = license_families::table
        .filter(license_families::id.eq_any(ids))
        .select((license_families::id, license_families::slug))
        .load(conn)
        .await
        .map_err(repo_error)?;
    Ok(rows.into_iter().collect())
}
