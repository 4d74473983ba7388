//! Creates a deployment zone and appends DEPLOYMENT_ZONE_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::deployment_zone::{DeploymentZone, NewDeploymentZone};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateDeploymentZone {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateDeploymentZone {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewDeploymentZone) -> Result<DeploymentZone, UseCaseError> {
        caller.require(Access::Write, Module::DeploymentZones)?;
        let created = DeploymentZone::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let event = OutboxEvent::of(
            EventKind::DeploymentZoneCreation,
            caller.organization_id,
            &created,
            caller.traceparent.clone(),
        )?;
        let stored = created.clone();
        self.uow
            .run(|repos| async move {
                repos
                    .deployment_zones
                    .insert(&stored)
                    .await
                    .map_err(|e| UseCaseError::from_repo("deployment zone", e))?;
                repos.outbox.append(&event).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        Ok(created)
    }
}
