//! The caller's releases, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::release::Release;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListReleases {
    repos: Repositories,
}

impl ListReleases {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<Release>, UseCaseError> {
        caller.require(Access::Read, Module::Releases)?;
        Ok(self.repos.releases.list(caller.organization_id, page).await?)
    }
}
