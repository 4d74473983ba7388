//! Delivery of events to the organizations' webhook endpoints.

use crate::error::RepoError;
use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use kaiten_domain::organization::Organization;
use kaiten_domain::{EventCustomer, EventKind, EventNaming};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// One event to deliver. `id` (the outbox id) is its idempotency key: handing the same event twice
/// must not produce a second webhook message.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    pub data: Value,
    pub traceparent: Option<String>,
    /// The spelling of `name` the organization's receivers get.
    pub naming: EventNaming,
    /// When the change happened (its transaction's time, stored with the event).
    pub timestamp: DateTime<Utc>,
    /// An update's fields before it (`previousAttributes` in the body); `None` for other events.
    pub previous_attributes: Option<Value>,
    /// The customer the event concerns (`customerId`, `customerSlug` in the body).
    pub customer: Option<EventCustomer>,
}

impl WebhookEvent {
    /// The body every receiver gets: `{id, name, type, timestamp, data}` — `id` the event id as the
    /// `webhook-id` header carries it after `msg_` (32 hex digits), `name` in the organization's
    /// spelling, `timestamp` the time of the change (RFC 3339, UTC, milliseconds).
    /// An event that concerns one customer also has `customerId` and `customerSlug`, an update event
    /// `previousAttributes` (all before `data`).
    pub fn body(&self) -> Value {
        let mut body = json!({
            "id": self.id.simple().to_string(),
            "name": self.kind.name_in(self.naming),
            "type": self.kind.event_type(),
            "timestamp": self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
        });
        if let (Some(customer), Some(fields)) = (&self.customer, body.as_object_mut()) {
            fields.insert("customerId".into(), json!(customer.id));
            fields.insert("customerSlug".into(), json!(customer.slug));
        }
        if let (Some(previous), Some(fields)) = (&self.previous_attributes, body.as_object_mut()) {
            fields.insert("previousAttributes".into(), previous.clone());
        }
        if let Some(fields) = body.as_object_mut() {
            fields.insert("data".into(), self.data.clone());
        }
        body
    }

    /// The endpoint an operational event is about (its `data.endpointId`); `None` for other events.
    pub fn about_endpoint(&self) -> Option<&str> {
        if !self.kind.is_operational() {
            return None;
        }
        self.data.get("endpointId")?.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// May succeed later; `retry_after` when the other side said when. Retried a bounded number of
    /// times, then dead-lettered.
    #[error("transient: {reason}")]
    Transient { reason: String, retry_after: Option<Duration> },
    /// A dependency (the database, the broker, Svix) is unavailable: the event is kept and handed over
    /// again after a backoff for as long as the outage lasts; this never counts towards its retries.
    #[error("{dependency} unavailable: {reason}")]
    Unavailable { dependency: &'static str, reason: String },
    /// Cannot be handled now, for a reason that is no failure (another process is handling it): look
    /// again after `after`; this never counts towards its retries.
    #[error("later: {reason}")]
    Later { reason: String, after: Duration },
    /// Will never succeed as it is (refused as invalid).
    #[error("permanent: {0}")]
    Permanent(String),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookSender: Send + Sync {
    /// Accepts the event for delivery (idempotent per `event.id`). `Ok` means it will be delivered,
    /// or was already accepted before.
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError>;

    /// Prepares delivery for a new organization (e.g. its Svix application); idempotent.
    async fn ensure_organization(&self, organization: &Organization) -> Result<(), SendError>;
}

/// Which organization each event id belongs to: the first organization an id is delivered for keeps
/// it, so an envelope that reuses another tenant's id (a forged or replayed one) is refused instead
/// of being delivered, shown or resent for the wrong organization.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EventOwners: Send + Sync {
    /// `Ok(true)` when `event_id` is (now) `organization_id`'s; `Ok(false)` when it is another's.
    async fn claim(&self, event_id: Uuid, organization_id: Uuid) -> Result<bool, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_the_event_in_the_organizations_spelling() {
        let event = |naming| WebhookEvent {
            id: Uuid::nil(),
            organization_id: Uuid::nil(),
            kind: EventKind::LicenseEntitlementAssignment,
            data: json!({"licenseSlug": "pro"}),
            traceparent: None,
            naming,
            timestamp: DateTime::from_timestamp_millis(1_788_264_000_123).unwrap_or_default(),
            previous_attributes: None,
            customer: None,
        };
        let classic = event(EventNaming::Classic).body();
        let current = event(EventNaming::Current).body();
        assert_eq!(classic["name"], "LICENSE_ENTITLEMENT_ASSIGNMENT");
        assert_eq!(current["name"], "LICENSE_ENTITLEMENT_ASSIGNED");
        assert_eq!((&classic["type"], &classic["data"]), (&current["type"], &current["data"]), "only the name differs");
        assert_eq!(classic["id"], "00000000000000000000000000000000");
        assert_eq!(classic["timestamp"], "2026-09-01T12:00:00.123Z");
    }
}
