//! One customer of the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::customer::Customer;
use kaiten_domain::{Access, Module, Slug};

pub struct GetCustomer {
    repos: Repositories,
}

impl GetCustomer {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Customer, UseCaseError> {
        caller.require(Access::Read, Module::Customers)?;
        self.repos
            .customers
            .find_by_slug(caller.organization_id, slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("customer"))
    }
}
