//! One release of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::release::Release;
use kaiten_domain::{Access, Module, Slug};

pub struct GetRelease {
    repos: Repositories,
}

impl GetRelease {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Release, UseCaseError> {
        caller.require(Access::Read, Module::Releases)?;
        self.repos
            .releases
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("release"))
    }
}
