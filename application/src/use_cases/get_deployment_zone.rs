//! One deployment zone of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::{Access, Module, Slug};

pub struct GetDeploymentZone {
    repos: Repositories,
}

impl GetDeploymentZone {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<DeploymentZone, UseCaseError> {
        caller.require(Access::Read, Module::DeploymentZones)?;
        self.repos
            .deployment_zones
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("deployment zone"))
    }
}
