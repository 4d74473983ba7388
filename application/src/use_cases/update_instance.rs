//! Updates an instance and appends INSTANCE_UPDATE — plus INSTANCE_DEPLOYMENT when it moves from no
//! zone into a zone, or INSTANCE_MIGRATION when it moves from one zone to another — in the same
//! transaction. Omitting the zone keeps it and emits nothing extra.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::instances::ReferenceTarget;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::instance_audit::append_instance_event;
use crate::use_cases::instance_references::resolve;
use kaiten_contract::ToWire;
use kaiten_domain::instance::{Instance, InstanceChanges, InstanceReferences, Reference, ZoneTransition};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateInstance {
    uow: Arc<dyn UnitOfWork>,
}

fn current(id: Option<uuid::Uuid>, slug: Option<Slug>) -> Option<Reference> {
    Some(Reference { id: id?, slug: slug? })
}

impl UpdateInstance {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        changes: InstanceChanges,
    ) -> Result<Instance, UseCaseError> {
        caller.require(Access::Write, Module::Instances)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let before = repos
                    .instances
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("instance"))?;
                let unexpected = || UseCaseError::Unexpected("a live instance without its customer or license".into());
                let customer = match resolve(
                    &repos,
                    organization_id,
                    ReferenceTarget::Customer,
                    changes.customer_slug.as_deref(),
                    changes.customer_id,
                )
                .await?
                {
                    Some(reference) => reference,
                    None => current(before.customer_id, before.customer_slug.clone()).ok_or_else(unexpected)?,
                };
                let license = match resolve(
                    &repos,
                    organization_id,
                    ReferenceTarget::License,
                    changes.license_slug.as_deref(),
                    changes.license_id,
                )
                .await?
                {
                    Some(reference) => reference,
                    None => current(before.license_id, before.license_slug.clone()).ok_or_else(unexpected)?,
                };
                let zone = match (&changes.deployment_zone_slug, &changes.deployment_zone_id) {
                    (None, None) => current(before.deployment_zone_id, before.deployment_zone_slug.clone()),
                    (Some(Some(slug)), _) => {
                        resolve(&repos, organization_id, ReferenceTarget::DeploymentZone, Some(slug), None).await?
                    }
                    (_, Some(Some(id))) => {
                        resolve(&repos, organization_id, ReferenceTarget::DeploymentZone, None, Some(*id)).await?
                    }
                    // An explicit null takes the instance out of its zone.
                    _ => None,
                };
                let after =
                    before.apply(changes, InstanceReferences { customer, license, zone }, &actor, clock::now())?;
                repos.instances.update(&after).await.map_err(|e| UseCaseError::from_repo("instance", e))?;
                let mut kinds = vec![EventKind::InstanceUpdate];
                match ZoneTransition::between(before.deployment_zone_id, after.deployment_zone_id) {
                    ZoneTransition::Deployed => kinds.push(EventKind::InstanceDeployment),
                    ZoneTransition::Migrated => kinds.push(EventKind::InstanceMigration),
                    ZoneTransition::Unchanged => {}
                }
                for kind in kinds {
                    let event = match kind {
                        EventKind::InstanceDeployment => {
                            OutboxEvent::of(kind, organization_id, &after.to_wire(), traceparent.clone())
                        }
                        // The update and the migration say what changed, the zone left included.
                        _ => OutboxEvent::update(
                            kind,
                            organization_id,
                            &before.to_wire(),
                            &after.to_wire(),
                            traceparent.clone(),
                        ),
                    }?;
                    append_instance_event(&repos, &after, event).await?;
                }
                Ok(after)
            })
            .await
    }
}
