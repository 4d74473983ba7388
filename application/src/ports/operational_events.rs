//! Operational events that do not come from a statement of Kaiten's own store: on the Svix backend
//! Svix disables endpoints and gives up on messages, and reports it through its operational
//! webhooks; Kaiten turns each report into an event of its outbox, so it reaches the organization's
//! endpoints like every other event.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::OutboxEvent;

/// Writes operational events to the outbox, at most once per event id.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OperationalEventLog: Send + Sync {
    /// `Ok(true)` when the event was written, `Ok(false)` when one with its id already was (a
    /// report received twice).
    async fn record(&self, event: &OutboxEvent) -> Result<bool, RepoError>;
}

/// One webhook as it arrived, with its Standard Webhooks headers (`webhook-*`, or Svix's `svix-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedWebhook {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
}

/// What became of a received report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxOutcome {
    /// Written as an operational event.
    Recorded,
    /// Already written when the same report came before.
    AlreadyRecorded,
    /// Not one Kaiten reports (an endpoint created, a message failing but not yet given up, an
    /// application that is no organization's, …).
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboxError {
    /// The signature does not verify with the configured secret, or the timestamp is too old.
    #[error("the webhook's signature does not verify: {0}")]
    Unauthenticated(String),
    /// Signed, but not a report Kaiten can read.
    #[error("the webhook's body is not an operational webhook: {0}")]
    Invalid(String),
    /// The store or Svix is unavailable: the sender should retry later.
    #[error("{0}")]
    Unavailable(String),
}

/// Receives the operational webhooks of the delivery backend (Svix's `endpoint.disabled`,
/// `message.attempt.exhausted`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OperationalWebhookInbox: Send + Sync {
    async fn receive(&self, webhook: SignedWebhook) -> Result<InboxOutcome, InboxError>;
}
