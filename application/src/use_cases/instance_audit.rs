//! An instance's events go to the outbox and to its audit trail in the same transaction; its audit
//! trail is read newest first.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{Repositories, Transaction};
use kaiten_domain::instance::Instance;
use kaiten_domain::instance_audit::{AuditEntry, AuditFilter};
use kaiten_domain::{Access, Module, OutboxEvent, Paged, Slug, clock};

/// Appends `event` about `instance` to the outbox and to the instance's audit trail.
pub(crate) async fn append_instance_event(
    repos: &Transaction,
    instance: &Instance,
    event: OutboxEvent,
) -> Result<(), UseCaseError> {
    let entry = AuditEntry::of(instance, event.kind, event.data.clone(), clock::now());
    repos.outbox.append(&event).await?;
    repos.instances.record_audit(&entry).await?;
    Ok(())
}

pub struct ListAuditTrail {
    repos: Repositories,
}

impl ListAuditTrail {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        instance_slug: &Slug,
        filter: AuditFilter,
    ) -> Result<Paged<AuditEntry>, UseCaseError> {
        caller.require(Access::Read, Module::Instances)?;
        let instance = self
            .repos
            .instances
            .find_by_slug(caller.organization_id, instance_slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("instance"))?;
        Ok(self.repos.instances.audit_trail(caller.organization_id, instance.id, &filter).await?)
    }
}
