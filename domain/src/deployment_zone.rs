//! Deployment zones (where instances run) and the deployments of releases to them.

use crate::actor::Actor;
use crate::entitlement::text_codes;
use crate::name::{parse_name, parse_optional_object, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ZoneType {
    Shared,
    Dedicated,
}

text_codes!(ZoneType { Shared = "shared", Dedicated = "dedicated" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentZone {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    #[serde(rename = "type")]
    pub zone_type: ZoneType,
    pub description: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// The release the zone currently runs.
    pub release_id: Option<Uuid>,
    pub release_slug: Option<Slug>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDeploymentZone {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(rename = "type")]
    pub zone_type: Option<ZoneType>,
    pub description: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl DeploymentZone {
    pub fn create(
        organization_id: Uuid,
        input: NewDeploymentZone,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        let metadata = v.check(parse_optional_object("metadata", input.metadata));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                zone_type: input.zone_type.unwrap_or(ZoneType::Shared),
                description: description?,
                metadata: metadata?,
                release_id: None,
                release_slug: None,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }
}

/// A release deployed to a zone; the payload of RELEASE_DEPLOYMENT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: Uuid,
    pub deployment_zone_id: Uuid,
    pub deployment_zone_slug: Slug,
    /// `null` in the history once the release has been deleted (slug and version stay).
    pub release_id: Option<Uuid>,
    pub release_slug: Slug,
    pub version: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

/// Partial update of a zone; an explicit `null` clears `description` or `metadata`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentZoneChanges {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: Option<String>,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(rename = "type")]
    pub zone_type: Option<ZoneType>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Value>>,
}

/// The body of `POST /api/deployment-zones/{slug}/deployments`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDeployment {
    pub release_slug: String,
}

impl DeploymentZone {
    pub fn apply(
        &self,
        changes: DeploymentZoneChanges,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = changes.name.as_deref().map_or(Some(self.name.clone()), |raw| v.check(parse_name("name", raw)));
        let slug = changes
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = match changes.description {
            Some(raw) => v.check(parse_optional_text("description", raw.as_deref())),
            None => Some(self.description.clone()),
        };
        let metadata = match changes.metadata {
            Some(raw) => v.check(parse_optional_object("metadata", raw)),
            None => Some(self.metadata.clone()),
        };
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                zone_type: changes.zone_type.unwrap_or(self.zone_type),
                description: description?,
                metadata: metadata?,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }

    /// Deploys `release` to this zone; `None` when it already runs it (not a transition).
    pub fn deploy(&self, release: &crate::release::Release, actor: &Actor, now: DateTime<Utc>) -> Option<Deployment> {
        if self.release_id == Some(release.id) {
            return None;
        }
        Some(Deployment {
            id: Uuid::now_v7(),
            deployment_zone_id: self.id,
            deployment_zone_slug: self.slug.clone(),
            release_id: Some(release.id),
            release_slug: release.slug.clone(),
            version: release.version.clone(),
            created_at: now,
            created_by: actor.clone(),
        })
    }
}
