//! Issues a token to a service account. The secret is returned once; a token can grant only what the
//! caller's own token grants, and cannot outlive it: without `expiresAt` it expires with the caller's
//! token, and a later `expiresAt` is refused. Without `scopes` it grants the caller's token's scopes.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::token_secret;
use kaiten_domain::token::{ApiToken, NewApiToken};
use kaiten_domain::{Access, Module, Slug, clock};
use std::sync::Arc;

/// The token's metadata and its secret.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

pub struct CreateToken {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateToken {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        account_slug: &Slug,
        input: NewApiToken,
    ) -> Result<IssuedToken, UseCaseError> {
        caller.require(Access::Write, Module::Tokens)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let scopes = caller.scopes.clone();
        let mut input = input;
        if input.scopes.is_none() {
            input.scopes = Some(scopes.to_strings());
        }
        if let Some(creator_expires) = caller.expires_at {
            match input.expires_at {
                None => input.expires_at = Some(creator_expires),
                Some(requested) if requested > creator_expires => {
                    return Err(UseCaseError::Forbidden(format!(
                        "a token cannot outlive the token that creates it (which expires at {})",
                        creator_expires.to_rfc3339()
                    )));
                }
                Some(_) => {}
            }
        }
        let secret = token_secret::generate();
        let hash = token_secret::hash(&secret);
        let token = self
            .uow
            .run(|repos| async move {
                let account = repos
                    .service_accounts
                    .find_by_slug(organization_id, account_slug)
                    .await?
                    .ok_or(UseCaseError::NotFound("service account"))?;
                let token = ApiToken::create(&account, input, &actor, clock::now())?;
                if !scopes.covers(&token.scopes) {
                    return Err(UseCaseError::Forbidden(
                        "a token cannot grant scopes its creator does not hold".into(),
                    ));
                }
                repos.tokens.insert(&token, &hash).await.map_err(|e| UseCaseError::from_repo("token", e))?;
                Ok(token)
            })
            .await?;
        Ok(IssuedToken { token, secret })
    }
}
