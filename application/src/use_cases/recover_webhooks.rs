//! Recovery without code: send again an endpoint's failed messages (`recover`) or the ones it never
//! had (`replay`) in a window, on whichever backend delivers, and read how far it got. Starting one
//! needs `write:webhooks`, reading one `read:webhooks`.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::webhook_management::{RecoveryLog, RecoveryRecord, WebhookManagement};
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryRequest, RecoveryTask};
use kaiten_domain::{Access, Module, clock};
use std::sync::Arc;
use uuid::Uuid;

pub struct RecoverWebhooks {
    management: Arc<dyn WebhookManagement>,
    log: Arc<dyn RecoveryLog>,
}

const RECOVERY: &str = "webhook recovery";

impl RecoverWebhooks {
    pub fn new(management: Arc<dyn WebhookManagement>, log: Arc<dyn RecoveryLog>) -> Self {
        Self { management, log }
    }

    pub async fn start(
        &self,
        caller: &Caller,
        endpoint_id: &EndpointRef,
        kind: RecoveryKind,
        request: RecoveryRequest,
    ) -> Result<RecoveryTask, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let window = request.validate(clock::now())?;
        let id = Uuid::now_v7();
        let organization_id = caller.organization_id;
        let start = self
            .management
            .recover(organization_id, endpoint_id, id, kind, window)
            .await
            .map_err(|e| UseCaseError::from_repo("webhook endpoint", e))?;
        let endpoint_id = endpoint_id.clone();
        let record = RecoveryRecord { id, organization_id, endpoint_id, kind, window, start, created_at: clock::now() };
        self.log.record(&record).await.map_err(|e| UseCaseError::from_repo(RECOVERY, e))?;
        let progress =
            self.management.recovery_progress(&record).await.map_err(|e| UseCaseError::from_repo(RECOVERY, e))?;
        Ok(record.to_api(progress))
    }

    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<RecoveryTask, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found =
            self.log.find(caller.organization_id, id).await.map_err(|e| UseCaseError::from_repo(RECOVERY, e))?;
        let record = found.ok_or(UseCaseError::NotFound(RECOVERY))?;
        let progress =
            self.management.recovery_progress(&record).await.map_err(|e| UseCaseError::from_repo(RECOVERY, e))?;
        Ok(record.to_api(progress))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::webhook_management::{MockRecoveryLog, MockWebhookManagement, RecoveryProgress, RecoveryStart};
    use crate::use_cases::testing::caller_with;
    use futures::executor::block_on;
    use kaiten_domain::webhook::EndpointRef;
    use kaiten_domain::webhook_recovery::RecoveryStatus;

    fn request() -> RecoveryRequest {
        RecoveryRequest { since: clock::now() - chrono::Duration::hours(1), until: None }
    }

    #[test]
    fn a_reader_cannot_start_one_and_a_bad_window_never_reaches_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_recover().never();
        let use_case = RecoverWebhooks::new(Arc::new(backend), Arc::new(MockRecoveryLog::new()));
        let reader = caller_with(&["read:webhooks"]);
        let refused = block_on(use_case.start(&reader, &EndpointRef::new("e"), RecoveryKind::Recover, request()));
        assert!(matches!(refused, Err(UseCaseError::Forbidden(_))));
        let writer = caller_with(&["write:webhooks"]);
        let backwards = RecoveryRequest { since: clock::now() + chrono::Duration::hours(1), until: None };
        let invalid = block_on(use_case.start(&writer, &EndpointRef::new("e"), RecoveryKind::Replay, backwards));
        assert!(matches!(invalid, Err(UseCaseError::Invalid(_))));
    }

    #[test]
    fn a_started_recovery_is_recorded_and_answered_with_its_progress() {
        let mut backend = MockWebhookManagement::new();
        backend
            .expect_recover()
            .times(1)
            .returning(|_, _, _, _, _| Ok(RecoveryStart { queued: Some(3), more: false, backend_task_id: None }));
        backend.expect_recovery_progress().returning(|_| {
            Ok(RecoveryProgress {
                status: RecoveryStatus::Running,
                succeeded: Some(1),
                failed: Some(0),
                pending: Some(2),
            })
        });
        let mut log = MockRecoveryLog::new();
        log.expect_record().withf(|record| record.start.queued == Some(3)).times(1).returning(|_| Ok(()));
        let use_case = RecoverWebhooks::new(Arc::new(backend), Arc::new(log));
        let task = block_on(use_case.start(
            &caller_with(&["write:webhooks"]),
            &EndpointRef::new("e"),
            RecoveryKind::Recover,
            request(),
        ));
        let task = task.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((task.queued, task.pending, task.status), (Some(3), Some(2), RecoveryStatus::Running));
    }
}
