//! The release as the API returns it and its events carry it.

use crate::ToWire;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub id: Uuid,
    pub version: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

impl ToWire for kaiten_domain::release::Release {
    type Wire = Release;

    fn to_wire(&self) -> Release {
        Release {
            id: self.id,
            version: self.version.clone(),
            slug: self.slug.clone().into(),
            description: self.description.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRelease {
    pub version: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
}

impl From<NewRelease> for kaiten_domain::release::NewRelease {
    fn from(value: NewRelease) -> Self {
        Self { version: value.version, slug: value.slug, description: value.description }
    }
}
