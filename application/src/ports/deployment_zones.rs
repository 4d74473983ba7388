//! Storage of the deployment history of zones (the zones themselves are a
//! [`ScopedRepository`](crate::ports::scoped::ScopedRepository)).

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::deployment_zone::{Deployment, DeploymentZone};
use kaiten_domain::{Page, Paged};
use uuid::Uuid;

/// The deployments of one organization's zones.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DeploymentRepository: Send + Sync {
    /// Adds the deployment to the history and makes its release the zone's current one.
    async fn record(&self, organization_id: Uuid, deployment: &Deployment) -> Result<(), RepoError>;
    /// The zone's deployments, newest first.
    async fn of_zone(
        &self,
        organization_id: Uuid,
        zone: &DeploymentZone,
        page: Page,
    ) -> Result<Paged<Deployment>, RepoError>;
}
