//! The caller's feature flags, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListFeatureFlags {
    repos: Repositories,
}

impl ListFeatureFlags {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<FeatureFlag>, UseCaseError> {
        caller.require(Access::Read, Module::FeatureFlags)?;
        Ok(self.repos.feature_flags.list(caller.organization_id, page).await?)
    }
}
