//! Reads one service account with its tokens' metadata.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::token::{ServiceAccount, ServiceAccountView, TOKENS_SHOWN};
use kaiten_domain::{Access, Module, Page, Slug};

pub struct GetServiceAccount {
    repos: Repositories,
}

/// `account` with its newest tokens.
pub(crate) async fn with_tokens(
    repos: &Repositories,
    account: ServiceAccount,
) -> Result<ServiceAccountView, UseCaseError> {
    let page = Page { limit: TOKENS_SHOWN, ..Page::default() };
    let tokens = repos.tokens.list(&account, page).await?.items;
    Ok(ServiceAccountView { account, tokens })
}

impl GetServiceAccount {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<ServiceAccountView, UseCaseError> {
        caller.require(Access::Read, Module::Tokens)?;
        let account = self
            .repos
            .service_accounts
            .find_by_slug(caller.organization_id, slug)
            .await?
            .ok_or(UseCaseError::NotFound("service account"))?;
        with_tokens(&self.repos, account).await
    }
}
