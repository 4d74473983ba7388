//! Turns a bearer token into a [`Caller`], or says why it cannot.

use crate::caller::Caller;
use crate::error::{AuthFailure, UseCaseError};
use crate::ports::unit_of_work::Repositories;
use crate::token_secret;
use kaiten_domain::{clock, token::TOKEN_PREFIX};

pub struct Authenticate {
    repos: Repositories,
}

impl Authenticate {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    /// `secret` is the token as sent (`ksh_…`); `traceparent` the request's trace context.
    pub async fn execute(&self, secret: &str, traceparent: Option<String>) -> Result<Caller, UseCaseError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AuthFailure::Unknown.into());
        }
        let (token, actor) = self
            .repos
            .tokens
            .find_by_hash(&token_secret::hash(secret))
            .await
            .map_err(|e| UseCaseError::from_repo("token", e))?
            .ok_or(AuthFailure::Unknown)?;
        if token.revoked_at.is_some() {
            return Err(AuthFailure::Revoked.into());
        }
        if !token.is_usable(clock::now()) {
            return Err(AuthFailure::Expired.into());
        }
        Ok(Caller {
            organization_id: token.organization_id,
            token_id: Some(token.id),
            actor,
            scopes: token.scopes,
            expires_at: token.expires_at,
            traceparent,
        })
    }
}
