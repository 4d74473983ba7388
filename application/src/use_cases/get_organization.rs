//! The caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::organization::Organization;
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
}
