//! Deploys a release to a zone and appends RELEASE_DEPLOYMENT in the same transaction; deploying the
//! release the zone already runs is a conflict and writes nothing.

use crate::caller::Caller;
use crate::error::{Conflict, UseCaseError};
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::deployment_zone::{Deployment, NewDeployment};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use serde_json::Value;
use std::sync::Arc;

pub struct DeployRelease {
    uow: Arc<dyn UnitOfWork>,
}

impl DeployRelease {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        zone_slug: &Slug,
        input: NewDeployment,
    ) -> Result<Deployment, UseCaseError> {
        caller.require(Access::Write, Module::DeploymentZones)?;
        let actor = caller.actor.clone();
        let release_slug = Slug::parse(&input.release_slug).map_err(|_| UseCaseError::NotFound("release"))?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let zone = repos
                    .deployment_zones
                    .find_by_slug(organization_id, zone_slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("deployment zone"))?;
                let release =
                    repos.releases.find_by_slug(organization_id, &release_slug, true).await?.ok_or_else(|| {
                        UseCaseError::Invalid(kaiten_domain::ValidationErrors::single(
                            "releaseSlug",
                            "no release with this slug",
                            Some(Value::from(input.release_slug.clone())),
                        ))
                    })?;
                let deployment = zone.deploy(&release, &actor, clock::now()).ok_or_else(|| {
                    UseCaseError::Conflict(Conflict::new("already_deployed", "the zone already runs this release"))
                })?;
                repos.deployment_zones.record_deployment(organization_id, &deployment).await?;
                let event = OutboxEvent::of(EventKind::ReleaseDeployment, organization_id, &deployment, traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(deployment)
            })
            .await
    }
}
