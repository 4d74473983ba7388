//! Updates an entitlement (partially) and appends ENTITLEMENT_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::entitlement::{Entitlement, EntitlementUpdate};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        update: EntitlementUpdate,
    ) -> Result<Entitlement, UseCaseError> {
        caller.require(Access::Write, Module::Entitlements)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .entitlements
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("entitlement"))?;
                let updated = current.replace(update, &actor, clock::now())?;
                repos.entitlements.update(&updated).await.map_err(|e| UseCaseError::from_repo("entitlement", e))?;
                let event = OutboxEvent::update(
                    EventKind::EntitlementUpdate,
                    organization_id,
                    &current.to_wire(),
                    &updated.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(updated)
            })
            .await
    }
}
