//! The caller's organization, and its webhook settings.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::organization::{Organization, OrganizationSettings};
use kaiten_domain::{Access, Module};

pub struct GetOrganization {
    repos: Repositories,
}

impl GetOrganization {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller) -> Result<Organization, UseCaseError> {
        caller.require(Access::Read, Module::Organizations)?;
        self.repos
            .organizations
            .find(caller.organization_id)
            .await
            .map_err(|e| UseCaseError::from_repo("organization", e))?
            .ok_or(UseCaseError::NotFound("organization"))
    }

    /// Changes the organization's webhook settings (`write:organizations`): which spelling of event
    /// names its webhooks carry from now on (within the dispatcher's refresh, a few seconds).
    pub async fn configure(
        &self,
        caller: &Caller,
        settings: OrganizationSettings,
    ) -> Result<Organization, UseCaseError> {
        caller.require(Access::Write, Module::Organizations)?;
        self.repos
            .organizations
            .set_webhook_event_names(caller.organization_id, settings.webhook_event_names)
            .await
            .map_err(|e| UseCaseError::from_repo("organization", e))?;
        self.execute(caller).await
    }
}
