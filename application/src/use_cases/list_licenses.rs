//! The caller's licenses, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::license::License;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListLicenses {
    repos: Repositories,
}

impl ListLicenses {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<License>, UseCaseError> {
        caller.require(Access::Read, Module::Licenses)?;
        Ok(self.repos.licenses.list(caller.organization_id, page).await?)
    }
}
