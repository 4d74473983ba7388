//! Replaces a feature flag and appends FEATURE_FLAG_UPDATE in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::feature_flag::{FeatureFlag, FeatureFlagDefinition};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, clock};
use std::sync::Arc;

pub struct UpdateFeatureFlag {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateFeatureFlag {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        definition: FeatureFlagDefinition,
    ) -> Result<FeatureFlag, UseCaseError> {
        caller.require(Access::Write, Module::FeatureFlags)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let current = repos
                    .feature_flags
                    .find_by_slug(organization_id, slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("feature flag"))?;
                let updated = current.replace(definition, &actor, clock::now())?;
                repos.feature_flags.update(&updated).await.map_err(|e| UseCaseError::from_repo("feature flag", e))?;
                let event = OutboxEvent::update(
                    EventKind::FeatureFlagUpdate,
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
