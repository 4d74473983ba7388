//! Creates a feature flag and appends FEATURE_FLAG_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::feature_flag::{FeatureFlag, FeatureFlagDefinition};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, clock};
use std::sync::Arc;

pub struct CreateFeatureFlag {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateFeatureFlag {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: FeatureFlagDefinition) -> Result<FeatureFlag, UseCaseError> {
        caller.require(Access::Write, Module::FeatureFlags)?;
        let created = FeatureFlag::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let event = OutboxEvent::of(
            EventKind::FeatureFlagCreation,
            caller.organization_id,
            &created.to_wire(),
            caller.traceparent.clone(),
        )?;
        let stored = created.clone();
        self.uow
            .run(|repos| async move {
                repos.feature_flags.insert(&stored).await.map_err(|e| UseCaseError::from_repo("feature flag", e))?;
                repos.outbox.append(&event).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        Ok(created)
    }
}
