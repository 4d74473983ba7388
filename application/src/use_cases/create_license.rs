//! Creates a license with the next version of its name and appends LICENSE_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::license::{License, NewLicense};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateLicense {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateLicense {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewLicense) -> Result<License, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                // The version is the next one of the name, read in the same transaction.
                let version = repos.licenses.next_version(organization_id, input.name.trim()).await?;
                let license = License::create(organization_id, input, version, &actor, clock::now())?;
                repos.licenses.insert(&license).await.map_err(|e| UseCaseError::from_repo("license", e))?;
                let event = OutboxEvent::of(EventKind::LicenseCreation, organization_id, &license, traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(license)
            })
            .await
    }
}
