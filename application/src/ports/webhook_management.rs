//! Endpoint management, delivery history and payload inspection: one port, implemented by the
//! built-in delivery engine and by the Svix adapter, so the webhook API is the same on both.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, EndpointDraft, EndpointPatch, EndpointRef, HistoryFilter, WebhookEndpoint,
    WebhookMessage,
};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryStatus, RecoveryTask, RecoveryWindow};
use kaiten_domain::webhook_secret_rotation::SecretRotation;
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::webhook_test_send::TestSendAccepted;
use kaiten_domain::{Page, Paged};
use uuid::Uuid;

/// Every method is scoped by `organization_id`: another organization's endpoint or message is
/// simply not there (`None`, `NotFound`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookManagement: Send + Sync {
    /// Creates the endpoint unless the organization already has `max_endpoints` (then `Invalid`).
    async fn create_endpoint(
        &self,
        organization_id: Uuid,
        draft: EndpointDraft,
        max_endpoints: usize,
    ) -> Result<WebhookEndpoint, RepoError>;
    /// Newest first, secrets included (the use case masks them).
    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<WebhookEndpoint>, RepoError>;
    async fn get_endpoint(&self, organization_id: Uuid, id: &EndpointRef)
    -> Result<Option<WebhookEndpoint>, RepoError>;
    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        patch: EndpointPatch,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// `false` when there was no such endpoint.
    async fn delete_endpoint(&self, organization_id: Uuid, id: &EndpointRef) -> Result<bool, RepoError>;
    /// A new secret; the previous one keeps signing for the rotation's overlap.
    async fn rotate_secret(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        rotation: SecretRotation,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// Sends the catalog's example of `kind`, marked as a test, to the endpoint alone. `NotFound` for
    /// an unknown endpoint, `Conflict` for a disabled one.
    async fn send_test(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        kind: EventKind,
    ) -> Result<TestSendAccepted, RepoError>;
    /// The endpoint's health over `window`; `None` for an unknown endpoint.
    async fn endpoint_stats(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        window: StatsWindow,
    ) -> Result<Option<EndpointStats>, RepoError>;
    /// Attempts, newest first.
    async fn history(&self, organization_id: Uuid, filter: HistoryFilter) -> Result<Paged<DeliveryAttempt>, RepoError>;
    /// The message with one page of its attempts.
    async fn message(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        attempts: AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError>;
    /// Queues a new attempt now to `endpoint_id`, or to every enabled endpoint subscribed to the
    /// event; returns how many were queued. `NotFound` for an unknown message or endpoint,
    /// `Conflict` for a disabled endpoint.
    async fn resend(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        endpoint_id: Option<EndpointRef>,
    ) -> Result<usize, RepoError>;
    /// Sends again, as task `task_id`, the endpoint's messages in `window` that failed (`Recover`) or
    /// were never sent to it (`Replay`), each through the endpoint's one delivery chain. `NotFound`
    /// for an unknown endpoint, `Conflict` for a disabled one.
    async fn recover(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        task_id: Uuid,
        kind: RecoveryKind,
        window: RecoveryWindow,
    ) -> Result<RecoveryStart, RepoError>;
    /// How far a recovery it started got.
    async fn recovery_progress(&self, recovery: &RecoveryRecord) -> Result<RecoveryProgress, RepoError>;
}

/// Counts the resends of each message, so that a message is resent at most `limit` times per window
/// whichever process or backend serves the request.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ResendLimiter: Send + Sync {
    /// Counts one resend of `event_id`: `Ok(None)` when it is allowed, `Ok(Some(wait))` when the
    /// message has had `limit` resends in the current `window` already (`wait` until the window ends).
    async fn admit(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        limit: u32,
        window: std::time::Duration,
    ) -> Result<Option<std::time::Duration>, RepoError>;
}

/// The organization's customers, as endpoints scoped to customers name them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CustomerDirectory: Send + Sync {
    /// Of the customers named by `ids` or `slugs`, the organization's: `(id, slug)` each.
    async fn existing(
        &self,
        organization_id: Uuid,
        ids: &[Uuid],
        slugs: &[String],
    ) -> Result<Vec<(Uuid, String)>, RepoError>;
}

/// A recovery or replay as recorded when it started.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub endpoint_id: EndpointRef,
    pub kind: RecoveryKind,
    pub window: RecoveryWindow,
    pub start: RecoveryStart,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What starting a recovery did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecoveryStart {
    /// Messages queued again; `None` when the backend does not say.
    pub queued: Option<i64>,
    /// More matched than one request takes.
    pub more: bool,
    /// The backend's own task (Svix's `qtask_…`).
    pub backend_task_id: Option<String>,
}

/// How far a recovery got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryProgress {
    pub status: RecoveryStatus,
    pub succeeded: Option<i64>,
    pub failed: Option<i64>,
    pub pending: Option<i64>,
}

impl RecoveryRecord {
    pub fn to_api(&self, progress: RecoveryProgress) -> RecoveryTask {
        RecoveryTask {
            id: self.id.to_string(),
            endpoint_id: self.endpoint_id.clone(),
            kind: self.kind,
            since: self.window.since,
            until: self.window.until,
            status: progress.status,
            queued: self.start.queued,
            succeeded: progress.succeeded,
            failed: progress.failed,
            pending: progress.pending,
            more: self.start.more,
            created_at: self.created_at,
        }
    }
}

/// Where recoveries are recorded, whichever backend runs them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait RecoveryLog: Send + Sync {
    async fn record(&self, recovery: &RecoveryRecord) -> Result<(), RepoError>;
    async fn find(&self, organization_id: Uuid, id: Uuid) -> Result<Option<RecoveryRecord>, RepoError>;
}
