//! Deletes a license and appends LICENSE_DELETION (the license as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::License;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteLicense {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteLicense {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the license as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<License, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .licenses
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                repos
                    .licenses
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("license", e))?;
                let event =
                    OutboxEvent::of(EventKind::LicenseDeletion, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
