//! One entitlement of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::{Access, Module, Slug};

pub struct GetEntitlement {
    repos: Repositories,
}

impl GetEntitlement {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Entitlement, UseCaseError> {
        caller.require(Access::Read, Module::Entitlements)?;
        self.repos
            .entitlements
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("entitlement"))
    }
}
