//! One feature flag of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::{Access, Module, Slug};

pub struct GetFeatureFlag {
    repos: Repositories,
}

impl GetFeatureFlag {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<FeatureFlag, UseCaseError> {
        caller.require(Access::Read, Module::FeatureFlags)?;
        self.repos
            .feature_flags
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("feature flag"))
    }
}
