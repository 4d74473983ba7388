//! Updates a license (partially) and appends LICENSE_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::{License, LicenseUpdate};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateLicense {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateLicense {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug, update: LicenseUpdate) -> Result<License, UseCaseError> {
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
                let updated = current.replace(update, &actor, clock::now())?;
                repos.licenses.update(&updated).await.map_err(|e| UseCaseError::from_repo("license", e))?;
                let event = OutboxEvent::update(
                    EventKind::LicenseUpdate,
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
