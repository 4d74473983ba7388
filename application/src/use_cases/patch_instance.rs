//! Sets an instance's operational status and / or lifecycle stage (`PATCH /api/instances/{slug}`),
//! appends INSTANCE_UPDATE and records INSTANCE_STATUS_CHANGED / INSTANCE_LIFECYCLE_STAGE_CHANGED in
//! its audit trail, in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::instance::{Instance, InstancePatch};
use kaiten_domain::instance_audit::{AuditEntry, LIFECYCLE_STAGE_CHANGED, STATUS_CHANGED};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct PatchInstance {
    uow: Arc<dyn UnitOfWork>,
}

impl PatchInstance {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, slug: &Slug, patch: InstancePatch) -> Result<Instance, UseCaseError> {
        caller.require(Access::Write, Module::Instances)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .instances
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("instance"))?;
                let now = clock::now();
                let patched = current.patched(patch, &actor, now)?;
                repos.instances.update(&patched).await.map_err(|e| UseCaseError::from_repo("instance", e))?;
                let event = OutboxEvent::update(
                    EventKind::InstanceUpdate,
                    organization_id,
                    &current.to_wire(),
                    &patched.to_wire(),
                    traceparent,
                )?;
                // The trail names what changed, as Kaiten's does.
                let payload = event.data.clone();
                repos.outbox.append(&event).await?;
                if patched.status != current.status {
                    repos
                        .instances
                        .record_audit(&AuditEntry::new(&patched, STATUS_CHANGED, payload.clone(), now))
                        .await?;
                }
                if patched.lifecycle_stage != current.lifecycle_stage {
                    let entry = AuditEntry::new(&patched, LIFECYCLE_STAGE_CHANGED, payload, now);
                    repos.instances.record_audit(&entry).await?;
                }
                Ok(patched)
            })
            .await
    }
}
