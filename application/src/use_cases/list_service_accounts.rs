//! Lists the caller's service accounts.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::token::ServiceAccount;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListServiceAccounts {
    repos: Repositories,
}

impl ListServiceAccounts {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<ServiceAccount>, UseCaseError> {
        caller.require(Access::Read, Module::Tokens)?;
        Ok(self.repos.service_accounts.list(caller.organization_id, page).await?)
    }
}
