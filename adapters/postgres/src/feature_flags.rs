//! `PgFeatureFlagRepository`.

use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::feature_flags;
use crate::scoped::{scoped_queries, scoped_update};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::catalog_resources::FeatureFlagRepository;
use kaiten_domain::feature_flag::{FeatureFlag, FlagType, StoredFlag};
use kaiten_domain::{Page, Paged, Slug};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = feature_flags, check_for_backend(diesel::pg::Pg), treat_none_as_null = true)]
struct FeatureFlagRow {
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

impl FeatureFlagRow {
    fn from_domain(f: &FeatureFlag) -> Result<Self, RepoError> {
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

    fn into_domain(self) -> Result<FeatureFlag, RepoError> {
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

scoped_queries!(feature_flags, FeatureFlagRow);
scoped_update!(feature_flags, FeatureFlagRow);

pub(crate) struct PgFeatureFlagRepository {
    source: ConnectionSource,
}

impl PgFeatureFlagRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl FeatureFlagRepository for PgFeatureFlagRepository {
    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        insert_scoped(&mut conn, FeatureFlagRow::from_domain(flag)?).await
    }

    async fn update(&self, flag: &FeatureFlag) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        update_scoped(&mut conn, flag.organization_id, flag.id, FeatureFlagRow::from_domain(flag)?).await
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
    ) -> Result<Option<FeatureFlag>, RepoError> {
        let mut conn = self.source.get().await?;
        find_scoped(&mut conn, organization_id, slug, for_update).await?.map(FeatureFlagRow::into_domain).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<FeatureFlag>, RepoError> {
        let mut conn = self.source.get().await?;
        page_scoped(&mut conn, organization_id, page).await?.try_map(FeatureFlagRow::into_domain)
    }
}
