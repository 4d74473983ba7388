//! The caller's deployment zones, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListDeploymentZones {
    repos: Repositories,
}

impl ListDeploymentZones {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<DeploymentZone>, UseCaseError> {
        caller.require(Access::Read, Module::DeploymentZones)?;
        Ok(self.repos.deployment_zones.list(caller.organization_id, page).await?)
    }
}
