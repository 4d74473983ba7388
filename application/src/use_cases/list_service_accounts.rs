//! Lists the caller's service accounts, each with its newest tokens.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use crate::use_cases::get_service_account::with_tokens;
use kaiten_domain::token::ServiceAccountView;
use kaiten_domain::{Access, Module, Page, Paged};

pub struct ListServiceAccounts {
    repos: Repositories,
}

impl ListServiceAccounts {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, page: Page) -> Result<Paged<ServiceAccountView>, UseCaseError> {
        caller.require(Access::Read, Module::Tokens)?;
        let accounts = self.repos.service_accounts.list(caller.organization_id, page).await?;
        let mut items = Vec::with_capacity(accounts.items.len());
        for account in accounts.items {
            items.push(with_tokens(&self.repos, account).await?);
        }
        Ok(Paged { items, has_more: accounts.has_more, next_cursor: accounts.next_cursor, total: accounts.total })
    }
}
