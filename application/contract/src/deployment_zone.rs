//! Deployment zones and the deployments of releases to them, as the API returns them and their events carry them.

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
