//! How a feature flag is stored: its row (`PgScopedRepository<FeatureFlagRow>` is the repository).

use crate::actor_column::ActorColumn;
use crate::errors::repo_error;
use crate::schema::feature_flags;
use crate::scoped::{ScopedRow, scoped_table};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::Slug;
use kaiten_domain::feature_flag::{FeatureFlag, FlagType, StoredFlag};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = feature_flags, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
pub(crate) struct FeatureFlagRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    slug: String,
    description: Option<String>,
    flag_type: String,
    enabled: bool,
    variants: Value,
    default_variant: Value,
    targetings: Value,
    metadata: Value,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
    updated_at: DateTime<Utc>,
    updated_by: ActorColumn,
    event_name: String,
}

impl ScopedRow for FeatureFlagRow {
    type Entity = FeatureFlag;

    fn from_entity(f: &FeatureFlag) -> Result<Self, RepoError> {
        let json = |e: serde_json::Error| RepoError::Unexpected(e.to_string());
        Ok(Self {
            id: f.id,
            organization_id: f.organization_id,
            name: f.name.clone(),
            slug: f.slug.to_string(),
            description: f.description.clone(),
            flag_type: f.flag_type.as_str().to_owned(),
            enabled: f.enabled,
            variants: serde_json::to_value(&f.variants).map_err(json)?,
            default_variant: serde_json::to_value(&f.default_serving).map_err(json)?,
            targetings: serde_json::to_value(&f.targetings).map_err(json)?,
            metadata: f.metadata.clone(),
            event_name: f.event_name.clone(),
            created_at: f.created_at,
            created_by: ActorColumn::from(&f.created_by),
            updated_at: f.updated_at,
            updated_by: ActorColumn::from(&f.updated_by),
        })
    }

    fn into_entity(self) -> Result<FeatureFlag, RepoError> {
        let json = |e: serde_json::Error| RepoError::Unexpected(format!("stored flag: {e}"));
        Ok(FeatureFlag::from_stored(StoredFlag {
            id: self.id,
            name: self.name,
            slug: Slug::parse(&self.slug).map_err(RepoError::from)?,
            description: self.description,
            flag_type: FlagType::from_code(&self.flag_type)
                .ok_or_else(|| RepoError::Unexpected(format!("stored flag type `{}`", self.flag_type)))?,
            enabled: self.enabled,
            variants: serde_json::from_value(self.variants).map_err(json)?,
            default_serving: serde_json::from_value(self.default_variant).map_err(json)?,
            targetings: serde_json::from_value(self.targetings).map_err(json)?,
            event_name: self.event_name,
            metadata: self.metadata,
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.0,
            updated_at: self.updated_at,
            updated_by: self.updated_by.0,
        }))
    }
}

scoped_table!(feature_flags, FeatureFlagRow);
