//! Webhook endpoints, the messages delivered to them and the delivery attempts, in the shapes the
//! webhook API answers with whichever backend delivers (the built-in engine or Svix). Ids are
//! the backend's own (UUIDs built in, `ep_…`/`msg_…`/`atmpt_…` on Svix); an endpoint's is an
//! [`EndpointRef`].

use crate::catalog::EventKind;
use crate::validation::{FieldError, ValidationErrors};
use crate::webhook_headers::EndpointHeaderView;
use chrono::{DateTime, Utc};
use serde_json::Value;

pub use crate::webhook_endpoint_input::{EndpointDraft, EndpointPatch, NewWebhookEndpoint, WebhookEndpointChanges};

/// An endpoint's id as its delivery backend names it: a UUID for the built-in engine, `ep_…` for
/// Svix. Only the backend that made it reads anything into it; to everyone else it is opaque.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EndpointRef(String);

impl EndpointRef {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for EndpointRef {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl PartialEq<&str> for EndpointRef {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<EndpointRef> for String {
    fn from(id: EndpointRef) -> Self {
        id.0
    }
}

/// An endpoint as the management ports give it (the API shows it through the contract).
/// `signing_secret` is masked in lists.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEndpoint {
    pub id: EndpointRef,
    pub url: String,
    /// Catalog names of the subscribed events; empty = every domain event (operational events only
    /// when named).
    pub event_names: Vec<String>,
    /// The same subscription as catalog types.
    pub event_types: Vec<String>,
    pub description: String,
    pub disabled: bool,
    /// The customers whose events it receives (their ids); empty = every event.
    pub customer_ids: Vec<uuid::Uuid>,
    /// With `customerIds`: the organization-wide events too (entitlements, licenses, zones, releases,
    /// flags).
    pub include_organization_events: bool,
    /// The customers of `customerIds` deleted since: the endpoint got each one's CUSTOMER_DELETION and
    /// receives nothing more of it. Drop them (PUT `customerIds`) or delete the endpoint.
    pub deleted_customer_ids: Vec<uuid::Uuid>,
    /// Custom request headers every delivery carries; secret values are not shown.
    pub headers: Vec<EndpointHeaderView>,
    /// Deliveries a second at most; `null`: no limit.
    pub rate_limit: Option<u32>,
    /// `whsec_…`; verify signatures with it (Standard Webhooks / Svix libraries).
    pub signing_secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    /// The same endpoint with its secret hidden (for lists).
    pub fn masked(mut self) -> Self {
        let tail: String = self.signing_secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        self.signing_secret = format!("whsec_****{tail}");
        self
    }
}

/// The `webhook-id` of the message carrying event `event_id`: the same on every attempt.
pub fn webhook_message_id(event_id: uuid::Uuid) -> String {
    format!("msg_{}", event_id.simple())
}

/// The catalog names and types of a subscription (empty = every event).
pub fn subscription_names(kinds: &[EventKind]) -> (Vec<String>, Vec<String>) {
    kinds.iter().map(|kind| (kind.name().to_owned(), kind.event_type().to_owned())).unzip()
}

/// The state of one delivery attempt (Svix's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    Success,
    Pending,
    Fail,
    Sending,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Pending => "pending",
            Self::Fail => "fail",
            Self::Sending => "sending",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Success, Self::Pending, Self::Fail, Self::Sending].into_iter().find(|status| status.as_str() == raw)
    }
}

/// How a response body is written in `responseBody`: as it came when it is UTF-8 text without NUL
/// characters, otherwise its bytes in base64 (binary, compressed or invalid text keeps every byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyEncoding {
    #[default]
    Text,
    Base64,
}

impl BodyEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Base64 => "base64",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Text, Self::Base64].into_iter().find(|encoding| encoding.as_str() == raw)
    }
}

/// One delivery attempt, newest first in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryAttempt {
    pub id: String,
    /// The outbox id of the event.
    pub event_id: String,
    /// The `webhook-id` the receiver saw.
    pub message_id: String,
    pub endpoint_id: EndpointRef,
    pub url: String,
    pub event_name: String,
    pub event_type: String,
    pub status: AttemptStatus,
    pub response_status_code: Option<i32>,
    /// The start of the response body (at most 20 KB), or why there was no response; base64 when the
    /// body was not text (`responseBodyEncoding`).
    pub response_body: String,
    pub response_body_encoding: BodyEncoding,
    pub duration_ms: i64,
    pub timestamp: DateTime<Utc>,
    /// An attempt of a test send (`POST /api/webhooks/{id}/test`).
    pub test: bool,
}

/// A delivered message: the exact body and one page of its attempts, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookMessage {
    pub event_id: String,
    pub message_id: String,
    pub event_name: String,
    pub event_type: String,
    /// The body POSTed to the endpoints: `{name, type, data}`.
    pub payload: Value,
    /// A test send (`POST /api/webhooks/{id}/test`): its body is the catalog's example.
    pub test: bool,
    pub timestamp: DateTime<Utc>,
    /// At most `limit` attempts, newest first, older than `before` when it was given.
    pub attempts: Vec<DeliveryAttempt>,
    /// When older attempts exist: pass this as `before` to read the next page.
    pub more_attempts_before: Option<String>,
}

/// Which attempts of a message to show: at most `limit`, newest first, older than the attempt `before`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptPage {
    pub limit: u32,
    pub before: Option<String>,
}

impl AttemptPage {
    pub const DEFAULT_LIMIT: u32 = 20;
    pub const MAX_LIMIT: u32 = 100;

    /// `limit` 1 to 100 (default 20).
    pub fn parse(limit: Option<i64>, before: Option<String>) -> Result<Self, ValidationErrors> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(limit) if (1..=i64::from(Self::MAX_LIMIT)).contains(&limit) => limit as u32,
            Some(limit) => {
                return Err(ValidationErrors(vec![FieldError::new(
                    "query.limit",
                    "must be between 1 and 100",
                    Some(Value::from(limit)),
                )]));
            }
        };
        Ok(Self { limit, before })
    }
}

impl Default for AttemptPage {
    fn default() -> Self {
        Self { limit: Self::DEFAULT_LIMIT, before: None }
    }
}

/// Filters of the delivery history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryFilter {
    pub endpoint_id: Option<EndpointRef>,
    pub event: Option<EventKind>,
    pub status: Option<AttemptStatus>,
    pub before: Option<DateTime<Utc>>,
    pub after: Option<DateTime<Utc>>,
    pub page: crate::page::Page,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_only_the_last_characters() {
        let endpoint = WebhookEndpoint {
            id: EndpointRef::new("e"),
            url: "https://x.example".into(),
            event_names: vec![],
            event_types: vec![],
            description: String::new(),
            disabled: false,
            customer_ids: vec![],
            include_organization_events: false,
            deleted_customer_ids: vec![],
            headers: vec![],
            rate_limit: None,
            signing_secret: "whsec_abcdefgh1234".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(endpoint.masked().signing_secret, "whsec_****1234");
    }
}
