//! Creates an instance and appends INSTANCE_CREATION, plus INSTANCE_DEPLOYMENT when it is created in
//! a deployment zone, in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::instances::ReferenceTarget;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::instance_audit::append_instance_event;
use crate::use_cases::instance_references::{require, resolve};
use kaiten_contract::ToWire;
use kaiten_domain::instance::{Instance, InstanceReferences, NewInstance};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateInstance {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateInstance {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewInstance) -> Result<Instance, UseCaseError> {
        caller.require(Access::Write, Module::Instances)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let customer = require(
                    &repos,
                    organization_id,
                    ReferenceTarget::Customer,
                    input.customer_slug.as_deref(),
                    input.customer_id,
                )
                .await?;
                let license = require(
                    &repos,
                    organization_id,
                    ReferenceTarget::License,
                    input.license_slug.as_deref(),
                    input.license_id,
                )
                .await?;
                let zone = resolve(
                    &repos,
                    organization_id,
                    ReferenceTarget::DeploymentZone,
                    input.deployment_zone_slug.as_deref(),
                    input.deployment_zone_id,
                )
                .await?;
                let instance = Instance::create(
                    organization_id,
                    input,
                    InstanceReferences { customer, license, zone },
                    &actor,
                    clock::now(),
                )?;
                repos.instances.insert(&instance).await.map_err(|e| UseCaseError::from_repo("instance", e))?;
                let mut kinds = vec![EventKind::InstanceCreation];
                if instance.deployment_zone_id.is_some() {
                    kinds.push(EventKind::InstanceDeployment);
                }
                for kind in kinds {
                    let event = OutboxEvent::of(kind, organization_id, &instance.to_wire(), traceparent.clone())?;
                    append_instance_event(&repos, &instance, event).await?;
                }
                Ok(instance)
            })
            .await
    }
}
