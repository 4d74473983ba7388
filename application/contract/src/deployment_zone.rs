//! Deployment zones and the deployments of releases to them, as the API returns them and their
//! events carry them.

use crate::ToWire;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentZone {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    /// Free text: `production`, `staging`, `shared`, ….
    #[serde(rename = "type")]
    pub zone_type: String,
    pub description: String,
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

impl ToWire for kaiten_domain::deployment_zone::DeploymentZone {
    type Wire = DeploymentZone;

    fn to_wire(&self) -> DeploymentZone {
        DeploymentZone {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            zone_type: self.zone_type.clone(),
            description: self.description.clone(),
            metadata: self.metadata.clone(),
            release_id: self.release_id,
            release_slug: self.release_slug.clone().map(Into::into),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
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

impl ToWire for kaiten_domain::deployment_zone::Deployment {
    type Wire = Deployment;

    fn to_wire(&self) -> Deployment {
        Deployment {
            id: self.id,
            deployment_zone_id: self.deployment_zone_id,
            deployment_zone_slug: self.deployment_zone_slug.clone().into(),
            release_id: self.release_id,
            release_slug: self.release_slug.clone().into(),
            version: self.version.clone(),
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDeploymentZone {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    /// Free text, 1 to 100 characters; `shared` when absent.
    #[serde(rename = "type")]
    #[schema(min_length = 1, max_length = 100)]
    pub zone_type: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// A release the zone runs from the start (a RELEASE_DEPLOYMENT).
    pub release_id: Option<Uuid>,
}

impl From<NewDeploymentZone> for kaiten_domain::deployment_zone::NewDeploymentZone {
    fn from(value: NewDeploymentZone) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            zone_type: value.zone_type,
            description: value.description,
            metadata: value.metadata,
            release_id: value.release_id,
        }
    }
}

/// The body of `PUT /api/deployment-zones/{slug}`: a full replacement — an omitted `description` is
/// `""`, omitted `metadata` cleared; an omitted `slug` or `type` is kept; a `releaseId` other than
/// the zone's current release deploys it (RELEASE_DEPLOYMENT), an omitted one keeps the release.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentZoneUpdate {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    #[serde(rename = "type")]
    #[schema(min_length = 1, max_length = 100)]
    pub zone_type: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub release_id: Option<Uuid>,
}

impl From<DeploymentZoneUpdate> for kaiten_domain::deployment_zone::DeploymentZoneUpdate {
    fn from(value: DeploymentZoneUpdate) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            zone_type: value.zone_type,
            description: value.description,
            metadata: value.metadata,
            release_id: value.release_id,
        }
    }
}

/// The body of `POST /api/deployment-zones/{slug}/deployments`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewDeployment {
    pub release_slug: String,
}

impl From<NewDeployment> for kaiten_domain::deployment_zone::NewDeployment {
    fn from(value: NewDeployment) -> Self {
        Self { release_slug: value.release_slug }
    }
}
