//! Lists the caller's service accounts, each with its newest tokens (read for the whole page at once).

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::token::{ApiToken, ServiceAccountView, TOKENS_SHOWN};
use kaiten_domain::{Access, Module, Page, Paged};
use std::collections::HashMap;
use uuid::Uuid;

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
        let ids: Vec<Uuid> = accounts.items.iter().map(|account| account.id).collect();
        let mut tokens: HashMap<Uuid, Vec<ApiToken>> = HashMap::new();
        for token in self.repos.tokens.newest_of(caller.organization_id, &ids, TOKENS_SHOWN).await? {
            tokens.entry(token.service_account_id).or_default().push(token);
        }
        Ok(accounts.map(|account| {
            let tokens = tokens.remove(&account.id).unwrap_or_default();
            ServiceAccountView { account, tokens }
        }))
    }
}
