//! The ports of the built-in delivery engine: where endpoints, messages and attempts are stored,
//! how one signed HTTP request is made ([`super::webhook_transport`]), and how a later attempt is
//! scheduled ([`super::delivery_tasks`]).
//!
//! The delivery state model: a message's first attempts, to every endpoint it goes to, are made under
//! a claim on the message (`Lease::Message`) and marked made when they are settled, so a message
//! handed over again never starts them twice. Each first attempt that did not succeed becomes a
//! delivery (one per message and endpoint) whose later attempts are each made under a claim on it
//! (`Lease::Delivery`) by the `DeliveryTask` that is its next attempt; any other task is stale.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_application::error::RepoError;
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{
    AttemptPage, AttemptStatus, BodyEncoding, DeliveryAttempt, EndpointPatch, HistoryFilter, WebhookMessage,
};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryWindow};
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::{Page, Paged};
use std::time::Duration;
use uuid::Uuid;

#[cfg(any(test, feature = "mocks"))]
pub use super::delivery_tasks::MockDeliveryScheduler;
pub use super::delivery_tasks::{DeliveryScheduler, DeliveryTask, SCHEDULING_PRECISION};
#[cfg(any(test, feature = "mocks"))]
pub use super::webhook_transport::MockWebhookTransport;
pub use super::webhook_transport::{WebhookRequest, WebhookResponse, WebhookTransport};
pub use crate::endpoint::{Endpoint, EndpointId, MessageEvent, SigningSecret, WebhookUrl};

/// A message to store: the event and the exact body every endpoint receives.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    /// The customer the event concerns (`None`: organization-wide), for endpoints scoped to customers.
    pub customer_id: Option<Uuid>,
    /// The endpoint an operational event is about: it never receives the event.
    pub about_endpoint: Option<EndpointId>,
    pub body: String,
}

impl NewMessage {
    /// What decides which endpoints receive the message (`test`: a test send, to one endpoint only).
    pub fn event(&self, test: bool) -> MessageEvent {
        MessageEvent { kind: self.kind, customer_id: self.customer_id, about_endpoint: self.about_endpoint, test }
    }
}

/// One finished attempt, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub message_id: Uuid,
    pub endpoint_id: EndpointId,
    pub url: String,
    pub attempt: u32,
    pub status: AttemptStatus,
    pub response_status_code: Option<u16>,
    /// The response body as stored: text, or base64 when it was not text.
    pub response_body: String,
    pub response_body_encoding: BodyEncoding,
    pub duration: Duration,
    pub at: DateTime<Utc>,
    /// The endpoint answered 410 Gone: disable it.
    pub disable_endpoint: bool,
    /// The endpoint asked (429/503 with `Retry-After`) to get nothing more before then.
    pub pause_endpoint_until: Option<DateTime<Utc>>,
}

/// What an attempt is made under: no other process can take it while it is held (until it lapses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// The claim on a message for its first attempts, to every endpoint it goes to.
    Message(Uuid),
    /// The claim on one (message, endpoint) delivery for its next attempt.
    Delivery(Uuid),
}

/// A (message, endpoint) delivery this process may attempt now.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub endpoint: Endpoint,
    /// The number of the automatic attempt to make (1 = first).
    pub attempt: u32,
    pub lease: Lease,
}

/// What accepting a message found.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The stored body (the one of the first hand-over when the message was already there).
    pub body: String,
    /// The first attempts to make now, to every enabled endpoint subscribed to the message; empty
    /// when they were made already (or are being made elsewhere).
    pub claims: Vec<Claim>,
    /// Another process is making the first attempts under a claim that lapses then (it may have
    /// died): the event must be looked at again after it.
    pub claimed_elsewhere_until: Option<DateTime<Utc>>,
}

/// What claiming a scheduled attempt found.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskClaim {
    /// Attempt it now.
    Claimed(Box<(NewMessage, Claim)>),
    /// Another process holds it until then (and may have died): try again after.
    ClaimedElsewhere(DateTime<Utc>),
    /// Nothing to do: that attempt was made, the delivery succeeded or ended, or the endpoint or the
    /// message is gone, disabled or no longer subscribed.
    Stale,
}

/// What follows an attempt (or a deferral) of one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// It succeeded: nothing more is sent for it but an explicit resend.
    Done,
    /// It failed: the next automatic attempt is due then.
    RetryAt(DateTime<Utc>),
    /// It failed for the last time (schedule exhausted, 410, or a resend that failed).
    GiveUp,
    /// No attempt was made (the endpoint was saturated): the same attempt is due then.
    DeferredTo(DateTime<Utc>),
}

/// The outcome of one delivery, to store in one go with the others of the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub message_id: Uuid,
    pub endpoint_id: EndpointId,
    /// The claim the attempt was made under; `None` for a resend (which never moves the chain, but
    /// ends it when it succeeds).
    pub lease: Option<Lease>,
    /// The attempt made, when one was.
    pub attempt: Option<AttemptRecord>,
    pub next: NextStep,
}

/// What the engine stores.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Inserts the endpoint unless its organization already has `max_endpoints` (then `Invalid`,
    /// decided atomically for concurrent inserts).
    async fn insert_endpoint(&self, endpoint: &Endpoint, max_endpoints: usize) -> Result<(), RepoError>;
    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<Endpoint>, RepoError>;
    async fn find_endpoint(&self, organization_id: Uuid, id: EndpointId) -> Result<Option<Endpoint>, RepoError>;
    /// Applies the patch (and a new secret, if given, keeping the old one until `previous_until`).
    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: EndpointId,
        patch: EndpointPatch,
        new_secret: Option<(String, DateTime<Utc>)>,
    ) -> Result<Option<Endpoint>, RepoError>;
    async fn delete_endpoint(&self, organization_id: Uuid, id: EndpointId) -> Result<bool, RepoError>;

    /// Stores the message unless it is already there (same id) and, unless its first attempts were
    /// made already or another process holds them, claims them for `lease`: one per enabled endpoint
    /// subscribed to it. An id already stored for another organization is a `Conflict`: nothing is
    /// claimed or delivered.
    async fn accept_message(&self, message: &NewMessage, lease: Duration) -> Result<Accepted, RepoError>;
    /// The health of one endpoint (known to exist) over `window`.
    async fn endpoint_stats(&self, endpoint_id: EndpointId, window: &StatsWindow) -> Result<EndpointStats, RepoError>;
    /// Stores a test send's message: already dispatched (no first attempts), never replayed.
    async fn insert_test_message(&self, message: &NewMessage) -> Result<(), RepoError>;
    /// Claims for `lease` the delivery of a scheduled task, if the task is still its next attempt.
    async fn claim_task(&self, task: &DeliveryTask, lease: Duration) -> Result<TaskClaim, RepoError>;
    /// A stored message and one endpoint of its organization (for a resend, which claims nothing).
    async fn delivery_target(
        &self,
        message_id: Uuid,
        endpoint_id: EndpointId,
    ) -> Result<Option<(NewMessage, Endpoint)>, RepoError>;
    /// Reserves the next free send slot of a rate-limited endpoint (one every `1 / rate` second, for
    /// every process reserving) and says how long until it.
    async fn reserve_send(&self, endpoint_id: EndpointId, rate: u32) -> Result<Duration, RepoError>;
    /// At once: records the attempts (those of deleted endpoints are dropped); under a message claim
    /// still held, marks its first attempts made and starts a delivery chain for each that must go
    /// on; under a delivery claim still held, moves the chain on; ends a chain with a successful
    /// resend; clears the failing streak of endpoints that succeeded, starts one for those that
    /// failed, and disables those failing since before `disable_failing_since` or that answered 410.
    /// Returns the ids of the endpoints it disabled.
    async fn settle(
        &self,
        settlements: &[Settlement],
        disable_failing_since: DateTime<Utc>,
    ) -> Result<Vec<EndpointId>, RepoError>;

    async fn history(&self, organization_id: Uuid, filter: &HistoryFilter)
    -> Result<Paged<DeliveryAttempt>, RepoError>;
    /// The message with one page of its attempts.
    async fn message(
        &self,
        organization_id: Uuid,
        id: Uuid,
        attempts: &AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError>;
    /// The event of one of the organization's messages, without its attempts.
    async fn message_event(&self, organization_id: Uuid, id: Uuid) -> Result<Option<MessageEvent>, RepoError>;
    /// The organization's enabled endpoints (for a resend to all).
    async fn enabled_endpoints(&self, organization_id: Uuid) -> Result<Vec<Endpoint>, RepoError>;

    /// Takes, for recovery `task_id`, at most `limit` of the endpoint's messages in `window`: its
    /// failed deliveries reopened (`Recover`), or a delivery started for each message it receives but
    /// was never sent (`Replay`); each (message, endpoint) at most once however many run at once.
    /// Returns the deliveries to attempt (message, attempt number) and whether more matched.
    async fn take_for_recovery(
        &self,
        endpoint_id: EndpointId,
        task_id: Uuid,
        kind: RecoveryKind,
        window: RecoveryWindow,
        limit: usize,
    ) -> Result<(Vec<(Uuid, u32)>, bool), RepoError>;
    /// Puts back deliveries taken for a recovery that could not be scheduled.
    async fn put_back_recovery(
        &self,
        endpoint_id: EndpointId,
        kind: RecoveryKind,
        messages: &[Uuid],
    ) -> Result<(), RepoError>;
    /// The deliveries recovery `task_id` sent again: (succeeded, failed, pending).
    async fn recovery_progress(&self, task_id: Uuid) -> Result<(i64, i64, i64), RepoError>;
}
