//! The caller's entitlements, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListEntitlements {
    repos: Repositories,
}

impl ListEntitlements {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<Entitlement>, UseCaseError> {
        caller.require(Access::Read, Module::Entitlements)?;
        Ok(self.repos.entitlements.list(caller.organization_id, page).await?)
    }
}
