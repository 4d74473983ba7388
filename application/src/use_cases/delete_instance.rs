//! Soft-deletes an instance and appends INSTANCE_DELETION (the instance as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::instance_audit::append_instance_event;
use kaiten_contract::ToWire;
use kaiten_domain::instance::Instance;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct DeleteInstance {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteInstance {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<Instance, UseCaseError> {
        caller.require(Access::Write, Module::Instances)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .instances
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("instance"))?;
                let deleted = Instance { deleted_at: Some(clock::now()), ..current.clone() };
                repos.instances.soft_delete(&deleted).await.map_err(|e| UseCaseError::from_repo("instance", e))?;
                let event =
                    OutboxEvent::of(EventKind::InstanceDeletion, organization_id, &current.to_wire(), traceparent)?;
                append_instance_event(&repos, &current, event).await?;
                Ok(current)
            })
            .await
    }
}
