//! Storage of deployment zones and their deployment history.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::deployment_zone::{Deployment, DeploymentZone};
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

/// Deployment zones of one organization (every method is scoped by `organization_id`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DeploymentZoneRepository: Send + Sync {
    async fn insert(&self, zone: &DeploymentZone) -> Result<(), RepoError>;
    /// Stores the zone's own fields (not its current release: see `record_deployment`).
    async fn update(&self, zone: &DeploymentZone) -> Result<(), RepoError>;
    /// `Conflict` while instances are placed in the zone.
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    /// With its current release; with `for_update` the row stays locked until the transaction ends.
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<DeploymentZone>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<DeploymentZone>, RepoError>;
    /// Adds the deployment to the history and makes its release the zone's current one.
    async fn record_deployment(&self, organization_id: Uuid, deployment: &Deployment) -> Result<(), RepoError>;
    /// The zone's deployments, newest first.
    async fn deployments(
        &self,
        organization_id: Uuid,
        zone: &DeploymentZone,
        page: Page,
    ) -> Result<Paged<Deployment>, RepoError>;
}
