//! Deletes an entitlement and appends ENTITLEMENT_DELETION (the entitlement as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the entitlement as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Entitlement, UseCaseError> {
        caller.require(Access::Write, Module::Entitlements)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .entitlements
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("entitlement"))?;
                repos
                    .entitlements
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("entitlement", e))?;
                let event =
                    OutboxEvent::of(EventKind::EntitlementDeletion, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
