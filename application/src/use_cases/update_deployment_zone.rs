//! Updates a deployment zone (partially) and appends DEPLOYMENT_ZONE_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::deploy_release::{deploy, release_by_id};
use kaiten_contract::ToWire;
use kaiten_domain::deployment_zone::{DeploymentZone, DeploymentZoneUpdate};
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
        update: DeploymentZoneUpdate,
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
                let release = match update.release_id {
                    Some(id) if current.release_id != Some(id) => {
                        Some(release_by_id(&repos, organization_id, id).await?)
                    }
                    _ => None,
                };
                let mut updated = current.replace(update, &actor, clock::now())?;
                repos
                    .deployment_zones
                    .update(&updated)
                    .await
                    .map_err(|e| UseCaseError::from_repo("deployment zone", e))?;
                if let Some(release) = &release
                    && let Some((running, _)) = deploy(&repos, &updated, release, &actor, traceparent.clone()).await?
                {
                    updated = running;
                }
                let event = OutboxEvent::update(
                    EventKind::DeploymentZoneUpdate,
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
