//! Deletes a deployment zone and appends DEPLOYMENT_ZONE_DELETION (the deployment zone as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteDeploymentZone {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteDeploymentZone {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the deployment zone as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<DeploymentZone, UseCaseError> {
        caller.require(Access::Write, Module::DeploymentZones)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .deployment_zones
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("deployment zone"))?;
                repos
                    .deployment_zones
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("deployment zone", e))?;
                let event = OutboxEvent::of(
                    EventKind::DeploymentZoneDeletion,
                    organization_id,
                    &current.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
