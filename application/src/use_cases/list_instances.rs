//! The caller's instances, newest first; soft-deleted ones on request.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::instance::Instance;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListInstances {
    repos: Repositories,
}

impl ListInstances {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        page: Page,
        include_deleted: bool,
    ) -> Result<Paged<Instance>, UseCaseError> {
        caller.require(Access::Read, Module::Instances)?;
        Ok(self.repos.instances.list(caller.organization_id, page, include_deleted).await?)
    }
}
