//! Deployment zones (where instances run) and the deployments of releases to them.

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_object, parse_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// The type a zone gets when none is given.
pub const DEFAULT_ZONE_TYPE: &str = "shared";

/// A zone's type as Kaiten takes it: free text (`production`, `staging`, `shared`, …), 1 to 100
/// characters once trimmed.
fn parse_zone_type(raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if (1..=100).contains(&trimmed.chars().count()) {
        Ok(trimmed.to_owned())
    } else {
        Err(FieldError::new("type", "must be 1 to 100 characters", Some(Value::from(raw))))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentZone {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    /// Free text: `production`, `staging`, `shared`, ….
    pub zone_type: String,
    pub description: String,
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

#[derive(Debug, Clone, PartialEq)]
pub struct NewDeploymentZone {
    pub name: String,
    pub slug: Option<String>,
    /// Free text, 1 to 100 characters; `shared` when absent.
    pub zone_type: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<Value>,
    /// A release the zone runs from the start (a RELEASE_DEPLOYMENT).
    pub release_id: Option<Uuid>,
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
        let zone_type = v.check(parse_zone_type(input.zone_type.as_deref().unwrap_or(DEFAULT_ZONE_TYPE)));
        let description = v.check(parse_text("description", input.description.as_deref()));
        let metadata = v.check(parse_optional_object("metadata", input.metadata));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                zone_type: zone_type?,
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
#[derive(Debug, Clone, PartialEq)]
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

/// The input of `PUT /api/deployment-zones/{slug}`: a full replacement — an omitted `description` is
/// `""`, omitted `metadata` cleared; an omitted `slug` or `type` is kept; a `releaseId` other than
/// the zone's current release deploys it (RELEASE_DEPLOYMENT), an omitted one keeps the release.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentZoneUpdate {
    pub name: String,
    pub slug: Option<String>,
    pub zone_type: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<Value>,
    pub release_id: Option<Uuid>,
}

/// The input of `POST /api/deployment-zones/{slug}/deployments`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDeployment {
    pub release_slug: String,
}

impl DeploymentZone {
    /// This zone replaced by `update` (its release is changed by [`Self::deploy`], not here).
    pub fn replace(
        &self,
        update: DeploymentZoneUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &update.name));
        let slug = update
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let zone_type =
            update.zone_type.as_deref().map_or(Some(self.zone_type.clone()), |raw| v.check(parse_zone_type(raw)));
        let description = v.check(parse_text("description", update.description.as_deref()));
        let metadata = v.check(parse_optional_object("metadata", update.metadata));
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                zone_type: zone_type?,
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
