//! Revokes a token at once. A caller may revoke only tokens whose scopes its own token covers, so a
//! narrower token cannot take a broader one away.

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
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let scopes = caller.scopes.clone();
        self.uow
            .run(|repos| async move {
                let account = repos
                    .service_accounts
                    .find_by_slug(organization_id, account_slug)
                    .await?
                    .ok_or(UseCaseError::NotFound("service account"))?;
                let token =
                    repos.tokens.find_by_slug(&account, token_slug).await?.ok_or(UseCaseError::NotFound("token"))?;
                if !scopes.covers(&token.scopes) {
                    return Err(UseCaseError::Forbidden(
                        "a token cannot revoke a token whose scopes exceed its own".into(),
                    ));
                }
                repos.tokens.revoke(&token, &actor).await.map_err(|e| UseCaseError::from_repo("token", e))
            })
            .await
    }
}
