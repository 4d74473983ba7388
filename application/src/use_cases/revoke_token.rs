//! Revokes a token at once.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::token::ApiToken;
use kaiten_domain::{Access, Module, Slug};
use std::sync::Arc;

pub struct RevokeToken {
    uow: Arc<dyn UnitOfWork>,
}

impl RevokeToken {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        account_slug: &Slug,
        token_slug: &Slug,
    ) -> Result<ApiToken, UseCaseError> {
        caller.require(Access::Write, Module::Tokens)?;
        let organization_id = caller.organization_id;
        self.uow
            .run(|repos| async move {
                let account = repos
                    .service_accounts
                    .find_by_slug(organization_id, account_slug)
                    .await?
                    .ok_or(UseCaseError::NotFound("service account"))?;
                let token =
                    repos.tokens.find_by_slug(&account, token_slug).await?.ok_or(UseCaseError::NotFound("token"))?;
                repos.tokens.revoke(&token).await.map_err(|e| UseCaseError::from_repo("token", e))
            })
            .await
    }
}
