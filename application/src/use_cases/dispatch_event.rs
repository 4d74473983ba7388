//! Dispatches one message from the event pipeline: parses the envelope, checks the event against the
//! catalog and its organization, and hands it to the `WebhookSender`. The outcome tells the transport
//! (queue consumer or Dapr ingress) what to do with the message.

use crate::envelope::{self, CdcEvent, Envelope};
use crate::error::RepoError;
use crate::ports::unit_of_work::Repositories;
use crate::ports::webhooks::{SendError, WebhookEvent, WebhookSender};
use kaiten_domain::EventNaming;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum DispatchOutcome {
    /// The sender accepted the event: acknowledge the message.
    Delivered,
    /// A heartbeat: acknowledge and ignore.
    Ignored,
    /// Try again later (`after` when the other side said when); a bounded number of times.
    Retry { reason: String, after: Option<Duration> },
    /// A dependency is down: try again after a backoff, for as long as it takes.
    Unavailable { dependency: &'static str, reason: String },
    /// Another process is handling it: look again after `after`, spending no retry.
    Later { reason: String, after: Duration },
    /// Can never succeed: dead-letter with this reason.
    Rejected { reason: String },
}

pub struct DispatchEvent {
    repos: Repositories,
    sender: Arc<dyn WebhookSender>,
    /// Organizations seen to exist (they are never deleted) with their event naming and when it was
    /// read, to spare a query per event; a naming is read again after [`SETTINGS_REFRESH`].
    known_organizations: RwLock<HashMap<Uuid, (EventNaming, Instant)>>,
}

/// How long a change of an organization's event naming may take to reach its deliveries.
pub const SETTINGS_REFRESH: Duration = Duration::from_secs(5);

impl DispatchEvent {
    pub fn new(repos: Repositories, sender: Arc<dyn WebhookSender>) -> Self {
        Self { repos, sender, known_organizations: RwLock::default() }
    }

    /// The organization's event naming; `None` when there is no such organization.
    async fn organization_naming(&self, id: Uuid) -> Result<Option<EventNaming>, RepoError> {
        let cached = self.known_organizations.read().ok().and_then(|known| known.get(&id).copied());
        if let Some((naming, read_at)) = cached
            && read_at.elapsed() < SETTINGS_REFRESH
        {
            return Ok(Some(naming));
        }
        let Some(organization) = self.repos.organizations.find(id).await? else { return Ok(None) };
        if let Ok(mut known) = self.known_organizations.write() {
            known.insert(id, (organization.webhook_event_names, Instant::now()));
        }
        Ok(Some(organization.webhook_event_names))
    }

    pub async fn execute(&self, body: &[u8]) -> DispatchOutcome {
        let event = match envelope::parse(body) {
            Ok(Envelope::Heartbeat) => return DispatchOutcome::Ignored,
            Ok(Envelope::Event(event)) => *event,
            Err(error) => return DispatchOutcome::Rejected { reason: format!("unparsable envelope: {error}") },
        };
        self.dispatch(event).await
    }

    async fn dispatch(&self, event: CdcEvent) -> DispatchOutcome {
        let naming = match self.organization_naming(event.organization_id).await {
            Ok(Some(naming)) => naming,
            Ok(None) => {
                return DispatchOutcome::Rejected { reason: format!("unknown organization {}", event.organization_id) };
            }
            Err(RepoError::Unavailable(reason)) => {
                return DispatchOutcome::Unavailable { dependency: "database", reason };
            }
            Err(error) => {
                return DispatchOutcome::Retry { reason: format!("organization lookup: {error}"), after: None };
            }
        };
        let webhook = WebhookEvent {
            id: event.outbox_id,
            organization_id: event.organization_id,
            kind: event.kind,
            data: event.data,
            traceparent: event.traceparent,
            naming,
            timestamp: event.happened_at.unwrap_or_else(kaiten_domain::clock::now),
            previous_attributes: event.previous_attributes,
            customer: event.customer,
        };
        match self.sender.send(&webhook).await {
            Ok(()) => DispatchOutcome::Delivered,
            Err(SendError::Transient { reason, retry_after }) => DispatchOutcome::Retry { reason, after: retry_after },
            Err(SendError::Unavailable { dependency, reason }) => DispatchOutcome::Unavailable { dependency, reason },
            Err(SendError::Later { reason, after }) => DispatchOutcome::Later { reason, after },
            Err(SendError::Permanent(reason)) => {
                DispatchOutcome::Rejected { reason: format!("refused by the sender: {reason}") }
            }
        }
    }
}

#[async_trait::async_trait]
impl crate::ports::event_bus::MessageHandler for DispatchEvent {
    async fn handle(&self, body: &[u8]) -> crate::ports::event_bus::Disposition {
        use crate::ports::event_bus::Disposition;
        match self.execute(body).await {
            DispatchOutcome::Delivered | DispatchOutcome::Ignored => Disposition::Ack,
            DispatchOutcome::Retry { reason, after } => Disposition::Retry { reason, after },
            DispatchOutcome::Unavailable { dependency, reason } => Disposition::Unavailable { dependency, reason },
            DispatchOutcome::Later { reason, after } => Disposition::Later { reason, after },
            DispatchOutcome::Rejected { reason } => Disposition::DeadLetter { reason },
        }
    }
}
