//! Creates an entitlement and appends ENTITLEMENT_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::entitlement::{Entitlement, NewEntitlement};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewEntitlement) -> Result<Entitlement, UseCaseError> {
        caller.require(Access::Write, Module::Entitlements)?;
        let created = Entitlement::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let event = OutboxEvent::of(
            EventKind::EntitlementCreation,
            caller.organization_id,
            &created.to_wire(),
            caller.traceparent.clone(),
        )?;
        let stored = created.clone();
        self.uow
            .run(|repos| async move {
                repos.entitlements.insert(&stored).await.map_err(|e| UseCaseError::from_repo("entitlement", e))?;
                repos.outbox.append(&event).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        Ok(created)
    }
}
