//! Creates a deployment zone and appends DEPLOYMENT_ZONE_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::deploy_release::{deploy, release_by_id};
use kaiten_contract::ToWire;
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
        let release_id = input.release_id;
        let created = DeploymentZone::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let (organization_id, actor, traceparent) =
            (caller.organization_id, caller.actor.clone(), caller.traceparent.clone());
        self.uow
            .run(|repos| async move {
                let release = match release_id {
                    Some(id) => Some(release_by_id(&repos, organization_id, id).await?),
                    None => None,
                };
                // The creation event shows the zone running its first release; RELEASE_DEPLOYMENT follows.
                let shown = match &release {
                    Some(release) => DeploymentZone {
                        release_id: Some(release.id),
                        release_slug: Some(release.slug.clone()),
                        ..created.clone()
                    },
                    None => created.clone(),
                };
                let event = OutboxEvent::of(
                    EventKind::DeploymentZoneCreation,
                    organization_id,
                    &shown.to_wire(),
                    traceparent.clone(),
                )?;
                repos
                    .deployment_zones
                    .insert_reported(&created, &event)
                    .await
                    .map_err(|e| UseCaseError::from_repo("deployment zone", e))?;
                if let Some(release) = &release {
                    deploy(&repos, &created, release, &actor, traceparent).await?;
                }
                Ok(shown)
            })
            .await
    }
}
