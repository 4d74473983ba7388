//! Creates a release and appends RELEASE_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::release::{NewRelease, Release};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateRelease {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateRelease {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewRelease) -> Result<Release, UseCaseError> {
        caller.require(Access::Write, Module::Releases)?;
        let created = Release::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let event = OutboxEvent::of(
            EventKind::ReleaseCreation,
            caller.organization_id,
            &created.to_wire(),
            caller.traceparent.clone(),
        )?;
        let stored = created.clone();
        self.uow
            .run(|repos| async move {
                repos.releases.insert(&stored).await.map_err(|e| UseCaseError::from_repo("release", e))?;
                repos.outbox.append(&event).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        Ok(created)
    }
}
