//! Who is calling a use case: an authenticated token of one organization, with its scopes and the
//! trace context of the request, which the events it causes carry along.

use crate::error::UseCaseError;
use chrono::{DateTime, Utc};
use kaiten_domain::{Access, Actor, Module, Scope, ScopeSet};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub organization_id: Uuid,
    pub token_id: Option<Uuid>,
    /// Who the changes the caller makes are recorded as made by (its token's service account).
    pub actor: Actor,
    pub scopes: ScopeSet,
    /// When the caller's token stops working (`None`: it does not expire).
    pub expires_at: Option<DateTime<Utc>>,
    /// W3C `traceparent` of the request, stored with every outbox row it writes.
    pub traceparent: Option<String>,
}

impl Caller {
    /// Fails with `Forbidden` unless the caller's scopes grant `access` on `module`.
    pub fn require(&self, access: Access, module: Module) -> Result<(), UseCaseError> {
        let required = Scope::new(access, module);
        if self.scopes.allows(&required) {
            Ok(())
        } else {
            Err(UseCaseError::Forbidden(format!("this token lacks the scope `{required}`")))
        }
    }
}
