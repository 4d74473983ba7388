//! Publishes, archives or unarchives a license version (409 unless it is in the state the move starts
//! from) and appends LICENSE_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::{Conflict, UseCaseError};
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::{License, LifecycleMove};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct MoveLicense {
    uow: Arc<dyn UnitOfWork>,
}

impl MoveLicense {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug, step: LifecycleMove) -> Result<License, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .licenses
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                let moved = current.moved(step, &actor, clock::now()).map_err(|reason| {
                    UseCaseError::Conflict(Conflict::new("invalid_lifecycle_state", reason.to_string()))
                })?;
                repos.licenses.update(&moved).await.map_err(|e| UseCaseError::from_repo("license", e))?;
                let event = OutboxEvent::update(
                    EventKind::LicenseUpdate,
                    organization_id,
                    &current.to_wire(),
                    &moved.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(moved)
            })
            .await
    }
}
