//! The ports of the built-in delivery engine: where endpoints, messages and attempts are stored,
//! how one signed HTTP request is made, and how a later attempt is scheduled.

use crate::error::RepoError;
use crate::ports::event_bus::BusError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{
    AttemptPage, AttemptStatus, DeliveryAttempt, EndpointPatch, HistoryFilter, WebhookEndpoint, WebhookMessage,
};
use kaiten_domain::{Page, Paged};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// A stored endpoint with everything delivery needs.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEndpoint {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub url: String,
    pub description: String,
    /// Empty = every event.
    pub events: Vec<EventKind>,
    pub disabled: bool,
    pub secret: String,
    pub previous_secret: Option<(String, DateTime<Utc>)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredEndpoint {
    pub fn subscribes_to(&self, kind: EventKind) -> bool {
        self.events.is_empty() || self.events.contains(&kind)
    }

    /// The secrets that sign a request made at `now`: the current one, and the previous one
    /// during its overlap after a rotation.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<String> {
        let mut secrets = vec![self.secret.clone()];
        if let Some((previous, until)) = &self.previous_secret
            && *until > now
        {
            secrets.push(previous.clone());
        }
        secrets
    }

    pub fn to_api(&self) -> WebhookEndpoint {
        let (event_names, event_types) = kaiten_domain::webhook::subscription_names(&self.events);
        WebhookEndpoint {
            id: self.id.to_string(),
            url: self.url.clone(),
            event_names,
            event_types,
            description: self.description.clone(),
            disabled: self.disabled,
            signing_secret: self.secret.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A message to store: the event and the exact body every endpoint receives.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    pub body: String,
}

/// One finished attempt, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub message_id: Uuid,
    pub endpoint_id: Uuid,
    pub url: String,
    pub attempt: u32,
    pub status: AttemptStatus,
    pub response_status_code: Option<u16>,
    pub response_body: String,
    pub duration: Duration,
    pub at: DateTime<Utc>,
    /// The endpoint answered 410 Gone: disable it.
    pub disable_endpoint: bool,
}

/// What the engine stores.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Inserts the endpoint unless its organization already has `max_endpoints` (then `Invalid`,
    /// decided atomically for concurrent inserts).
    async fn insert_endpoint(&self, endpoint: &StoredEndpoint, max_endpoints: usize) -> Result<(), RepoError>;
    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<StoredEndpoint>, RepoError>;
    async fn find_endpoint(&self, organization_id: Uuid, id: Uuid) -> Result<Option<StoredEndpoint>, RepoError>;
    /// Applies the patch (and a new secret, if given, keeping the old one until `previous_until`).
    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: Uuid,
        patch: EndpointPatch,
        new_secret: Option<(String, DateTime<Utc>)>,
    ) -> Result<Option<StoredEndpoint>, RepoError>;
    async fn delete_endpoint(&self, organization_id: Uuid, id: Uuid) -> Result<bool, RepoError>;

    /// Stores the message unless it is already there (same id) and returns the enabled endpoints
    /// subscribed to it that have no successful attempt for it yet, and the stored body. An id
    /// already stored for another organization is a `Conflict`: nothing is returned or delivered.
    async fn accept_message(&self, message: &NewMessage) -> Result<(String, Vec<StoredEndpoint>), RepoError>;
    /// A stored message (kind and body) and, when given, one endpoint of its organization.
    async fn delivery_target(
        &self,
        message_id: Uuid,
        endpoint_id: Uuid,
    ) -> Result<Option<(NewMessage, StoredEndpoint)>, RepoError>;
    /// Records attempts; a success clears the endpoint's failing streak, a failure starts one, and an
    /// endpoint failing since before `disable_failing_since` (or answering 410) is disabled.
    /// Returns the ids of the endpoints it disabled.
    async fn record_attempts(
        &self,
        attempts: &[AttemptRecord],
        disable_failing_since: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, RepoError>;

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
    async fn message_event(&self, organization_id: Uuid, id: Uuid) -> Result<Option<EventKind>, RepoError>;
    /// The organization's enabled endpoints (for a resend to all).
    async fn enabled_endpoints(&self, organization_id: Uuid) -> Result<Vec<StoredEndpoint>, RepoError>;
}

/// One signed POST.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRequest {
    pub url: String,
    /// `webhook-id`: the same for every attempt of one message.
    pub message_id: String,
    pub timestamp: DateTime<Utc>,
    pub body: String,
    /// Every secret that signs (two during a rotation's overlap).
    pub secrets: Vec<String>,
}

/// What came back (or why nothing did).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookResponse {
    pub status_code: Option<u16>,
    /// The response body, or the error when there was no response; at most 20 KB.
    pub body: String,
    pub duration: Duration,
    /// The SSRF guard refused the address: no request was made.
    pub refused: bool,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    async fn post(&self, request: WebhookRequest) -> WebhookResponse;
}

/// A later attempt of one message to one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryTask {
    pub message_id: Uuid,
    pub endpoint_id: Uuid,
    /// The attempt's number (1 = first).
    pub attempt: u32,
    /// Asked for through the API: one attempt, not retried.
    #[serde(default)]
    pub resend: bool,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DeliveryScheduler: Send + Sync {
    /// Durably schedules `task` to run after `delay` (jittered around `tier`, the schedule's step it
    /// belongs to; `Duration::ZERO` = now).
    async fn schedule(&self, task: DeliveryTask, tier: Duration, delay: Duration) -> Result<(), BusError>;
}
