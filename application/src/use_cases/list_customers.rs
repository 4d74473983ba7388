//! The caller's customers, newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::customer::Customer;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListCustomers {
    repos: Repositories,
}

impl ListCustomers {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<Customer>, UseCaseError> {
        caller.require(Access::Read, Module::Customers)?;
        Ok(self.repos.customers.list(caller.organization_id, page).await?)
    }
}
