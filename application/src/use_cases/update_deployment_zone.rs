//! Updates a deployment zone (partially) and appends DEPLOYMENT_ZONE_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::deployment_zone::{DeploymentZone, DeploymentZoneChanges};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateDeploymentZone {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateDeploymentZone {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        changes: DeploymentZoneChanges,
    ) -> Result<DeploymentZone, UseCaseError> {
        caller.require(Access::Write, Module::DeploymentZones)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .deployment_zones
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("deployment zone"))?;
                let updated = current.apply(changes, &actor, clock::now())?;
                repos
                    .deployment_zones
                    .update(&updated)
                    .await
                    .map_err(|e| UseCaseError::from_repo("deployment zone", e))?;
                let event = OutboxEvent::of(EventKind::DeploymentZoneUpdate, organization_id, &updated, traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(updated)
            })
            .await
    }
}
