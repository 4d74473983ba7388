//! Recovery on Svix, with Svix's own operations: `recover` is Svix's "recover failed messages"
//! (`POST …/endpoint/{id}/recover`), `replay` its "replay missing messages" (`…/replay-missing`);
//! Svix runs either as a background task and its progress is that task's status. A self-hosted
//! svix-server has `recover` but neither `replay-missing` nor background tasks: a replay is refused
//! there (409 `not_supported_by_backend`) and progress reads `unknown`. Svix reports no counts.

use crate::management::SvixWebhookManagement;
use crate::mapping::{application_id, is_plausible_id};
use crate::svix_errors::{found, is_not_found, repo_error};
use kaiten_application::error::{Conflict, RepoError};
use kaiten_application::ports::webhook_management::{RecoveryProgress, RecoveryRecord, RecoveryStart};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryStatus, RecoveryWindow};
use svix::models::{BackgroundTaskStatus, RecoverIn, ReplayIn};
use uuid::Uuid;

impl SvixWebhookManagement {
    pub(crate) async fn start_recovery(
        &self,
        organization_id: Uuid,
        endpoint_id: &str,
        kind: RecoveryKind,
        window: RecoveryWindow,
    ) -> Result<RecoveryStart, RepoError> {
        if !is_plausible_id(endpoint_id) {
            return Err(RepoError::NotFound);
        }
        let app = application_id(organization_id);
        let endpoint =
            found(self.svix.endpoint().get(app.clone(), endpoint_id.to_owned()).await)?.ok_or(RepoError::NotFound)?;
        if endpoint.disabled == Some(true) {
            let reason = format!("endpoint {endpoint_id} is disabled: enable it before recovering its messages");
            return Err(RepoError::Conflict(Conflict::new("endpoint_disabled", reason)));
        }
        let task_id = match kind {
            RecoveryKind::Recover => {
                let recover = RecoverIn { since: window.since, until: Some(window.until) };
                let started = self.svix.endpoint().recover(app, endpoint.id, recover, None).await;
                started.map_err(|e| repo_error(&e))?.id
            }
            RecoveryKind::Replay => {
                let replay = ReplayIn { since: window.since, until: Some(window.until) };
                match self.svix.endpoint().replay_missing(app, endpoint.id, replay, None).await {
                    Ok(started) => started.id,
                    // The endpoint was just found: a 404 here is the server lacking the operation.
                    Err(error) if is_not_found(&error) => {
                        return Err(RepoError::Conflict(Conflict::new(
                            "not_supported_by_backend",
                            "this Svix server cannot replay missing messages (a self-hosted svix-server has no \
                             replay-missing); resend them one by one or use Svix Cloud",
                        )));
                    }
                    Err(error) => return Err(repo_error(&error)),
                }
            }
        };
        Ok(RecoveryStart { queued: None, more: false, backend_task_id: Some(task_id) })
    }

    pub(crate) async fn recovery_status(&self, recovery: &RecoveryRecord) -> RecoveryProgress {
        let unknown =
            RecoveryProgress { status: RecoveryStatus::Unknown, succeeded: None, failed: None, pending: None };
        let Some(task_id) = recovery.start.backend_task_id.clone() else { return unknown };
        match self.svix.background_task().get(task_id).await {
            Ok(task) => RecoveryProgress {
                status: match task.status {
                    BackgroundTaskStatus::Running => RecoveryStatus::Running,
                    BackgroundTaskStatus::Finished | BackgroundTaskStatus::Failed => RecoveryStatus::Finished,
                },
                ..unknown
            },
            Err(error) => {
                tracing::debug!(%error, "Svix reports no background task");
                unknown
            }
        }
    }
}
