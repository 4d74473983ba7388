//! One license of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::license::License;
use kaiten_domain::{Access, Module, Slug};

pub struct GetLicense {
    repos: Repositories,
}

impl GetLicense {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<License, UseCaseError> {
        caller.require(Access::Read, Module::Licenses)?;
        self.repos
            .licenses
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("license"))
    }
}
