//! Deletes a release and appends RELEASE_DELETION (the release as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::release::Release;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteRelease {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteRelease {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the release as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Release, UseCaseError> {
        caller.require(Access::Write, Module::Releases)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .releases
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("release"))?;
                repos
                    .releases
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("release", e))?;
                let event =
                    OutboxEvent::of(EventKind::ReleaseDeletion, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
