//! Deletes a feature flag and appends FEATURE_FLAG_DELETION (the feature flag as it was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct DeleteFeatureFlag {
    uow: Arc<dyn UnitOfWork>,
}

impl DeleteFeatureFlag {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    /// Returns the feature flag as it was just before deletion.
    pub async fn execute(&self, caller: &Caller, slug: &Slug) -> Result<FeatureFlag, UseCaseError> {
        caller.require(Access::Write, Module::FeatureFlags)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .feature_flags
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("feature flag"))?;
                repos
                    .feature_flags
                    .delete(organization_id, current.id)
                    .await
                    .map_err(|e| UseCaseError::from_repo("feature flag", e))?;
                let event =
                    OutboxEvent::of(EventKind::FeatureFlagDeletion, organization_id, &current.to_wire(), traceparent)?;
                repos.outbox.append(&event).await?;
                Ok(current)
            })
            .await
    }
}
