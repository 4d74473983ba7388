//! The event bus: where committed outbox events are published, and where the worker consumes them.

use async_trait::async_trait;
use futures::future::BoxFuture;

/// One message to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMessage {
    /// The broker-level message id (the outbox id), for de-duplication downstream.
    pub message_id: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// String headers (`traceparent`, …).
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusError {
    /// The broker cannot be reached or the connection broke; reconnect and retry.
    #[error("broker unavailable: {0}")]
    Unavailable(String),
    /// The broker refused the message (nack, or unroutable with `mandatory`).
    #[error("broker refused the message: {0}")]
    Refused(String),
}

/// Resolves when the broker has confirmed (persisted and routed) the message.
pub type PublishConfirmation = BoxFuture<'static, Result<(), BusError>>;

#[async_trait]
pub trait EventBus: Send + Sync {
    /// Declares the exchange, queues and bindings the system needs; idempotent.
    async fn ensure_topology(&self) -> Result<(), BusError>;

    /// Queues one message for sending and returns, without waiting for the write or the broker, a
    /// future of its confirmation (which fails when the message could not be written). Messages go
    /// out, and are confirmed, in the order of the calls on this bus.
    async fn publish(&self, message: OutgoingMessage) -> Result<PublishConfirmation, BusError>;

    /// How many published messages wait in the queue of this system's consumers, not yet taken by
    /// one; `None` when the bus cannot tell. The relay reads no further while too many wait.
    async fn backlog(&self) -> Result<Option<u64>, BusError> {
        Ok(None)
    }
}

/// What a consumer does with one message after handling it.
#[derive(Debug, Clone, PartialEq)]
pub enum Disposition {
    /// Done: acknowledge.
    Ack,
    /// Deliver again later (at least `after` when given); after a bounded number of retries the
    /// message is dead-lettered.
    Retry { reason: String, after: Option<std::time::Duration> },
    /// A dependency is unavailable: keep the message and handle it again after a backoff, for as long
    /// as the outage lasts. It never counts towards the message's retries.
    Unavailable { dependency: &'static str, reason: String },
    /// Not to be handled now, and no failure: deliver again after `after`, without counting a retry.
    Later { reason: String, after: std::time::Duration },
    /// Never processable: move to the dead-letter queue with this reason.
    DeadLetter { reason: String },
}

impl Disposition {
    /// What to do with a message whose hand-over to the webhook sender failed.
    pub fn from_send_error(error: crate::ports::webhooks::SendError) -> Self {
        use crate::ports::webhooks::SendError;
        match error {
            SendError::Transient { reason, retry_after } => Self::Retry { reason, after: retry_after },
            SendError::Unavailable { dependency, reason } => Self::Unavailable { dependency, reason },
            SendError::Later { reason, after } => Self::Later { reason, after },
            SendError::Permanent(reason) => Self::DeadLetter { reason: format!("refused by the sender: {reason}") },
        }
    }
}

/// Handles messages a consumer receives.
#[async_trait]
pub trait MessageHandler: Send + Sync {
    async fn handle(&self, body: &[u8]) -> Disposition;
}
