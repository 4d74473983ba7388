//! Deploys a release to a zone and appends RELEASE_DEPLOYMENT in the same transaction; deploying the
//! release the zone already runs is a conflict and writes nothing.

use crate::caller::Caller;
use crate::error::{Conflict, UseCaseError};
use crate::ports::unit_of_work::{Repositories, Transaction, UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::deployment_zone::{Deployment, DeploymentZone, NewDeployment};
use kaiten_domain::release::Release;
use kaiten_domain::{Access, Actor, EventKind, Module, OutboxEvent, Slug, ValidationErrors, clock};
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
                let deployed = deploy(&repos, &zone, &release, &actor, traceparent).await?;
                let (_, deployment) = deployed.ok_or_else(|| {
                    UseCaseError::Conflict(Conflict::new("already_deployed", "the zone already runs this release"))
                })?;
                Ok(deployment)
            })
            .await
    }
}

/// The organization's release `id`, for a body's `releaseId` (422 when there is none).
pub(crate) async fn release_by_id(
    repos: &Repositories,
    organization_id: uuid::Uuid,
    id: uuid::Uuid,
) -> Result<Release, UseCaseError> {
    repos.releases.find_by_id(organization_id, id).await?.ok_or_else(|| {
        UseCaseError::Invalid(ValidationErrors::single(
            "releaseId",
            "no release with this id",
            Some(Value::from(id.to_string())),
        ))
    })
}

/// Deploys `release` to `zone`: records the deployment and appends RELEASE_DEPLOYMENT. The zone as it
/// now runs, and the deployment; `None` when the zone already runs the release (nothing written).
pub(crate) async fn deploy(
    repos: &Transaction,
    zone: &DeploymentZone,
    release: &Release,
    actor: &Actor,
    traceparent: Option<String>,
) -> Result<Option<(DeploymentZone, Deployment)>, UseCaseError> {
    let Some(deployment) = zone.deploy(release, actor, clock::now()) else { return Ok(None) };
    repos.deployments.record(zone.organization_id, &deployment).await?;
    let event =
        OutboxEvent::of(EventKind::ReleaseDeployment, zone.organization_id, &deployment.to_wire(), traceparent)?;
    repos.outbox.append(&event).await?;
    let running =
        DeploymentZone { release_id: Some(release.id), release_slug: Some(release.slug.clone()), ..zone.clone() };
    Ok(Some((running, deployment)))
}
