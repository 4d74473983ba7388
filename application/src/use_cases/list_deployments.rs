//! A zone's deployment history, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::deployment_zone::Deployment;
use kaiten_domain::{Access, Module, Page, Paged, Slug};

pub struct ListDeployments {
    repos: Repositories,
}

impl ListDeployments {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        zone_slug: &Slug,
        page: Page,
    ) -> Result<Paged<Deployment>, UseCaseError> {
        caller.require(Access::Read, Module::DeploymentZones)?;
        let zone = self
            .repos
            .deployment_zones
            .find_by_slug(caller.organization_id, zone_slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("deployment zone"))?;
        Ok(self.repos.deployments.of_zone(caller.organization_id, &zone, page).await?)
    }
}
