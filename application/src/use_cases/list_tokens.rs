//! Lists a service account's tokens (never their secrets).

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::token::ApiToken;
use kaiten_domain::{Access, Module, Page, Paged, Slug};

pub struct ListTokens {
    repos: Repositories,
}

impl ListTokens {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        account_slug: &Slug,
        page: Page,
    ) -> Result<Paged<ApiToken>, UseCaseError> {
        caller.require(Access::Read, Module::Tokens)?;
        let account = self
            .repos
            .service_accounts
            .find_by_slug(caller.organization_id, account_slug)
            .await?
            .ok_or(UseCaseError::NotFound("service account"))?;
        Ok(self.repos.tokens.list(&account, page).await?)
    }
}
