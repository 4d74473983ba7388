//! One live instance of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::instance::Instance;
use kaiten_domain::{Access, Module, Slug};

pub struct GetInstance {
    repos: Repositories,
}

impl GetInstance {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Instance, UseCaseError> {
        caller.require(Access::Read, Module::Instances)?;
        self.repos
            .instances
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("instance"))
    }
}
