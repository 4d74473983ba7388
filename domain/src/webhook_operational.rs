//! The `data` of the operational events, which report what happened to the organization's own
//! webhook endpoints: one was disabled, enabled again, or a message ran out of retries to one. The
//! store writes them in the statement that makes the change (so they travel the outbox like any
//! event); these types are their documented shape, their examples and their JSON Schema.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why an endpoint was disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisableReason {
    /// It answered 410 Gone.
    Gone,
    /// It failed every attempt for longer than the failing-streak rule allows.
    Failing,
    /// It was disabled through the API.
    Manual,
}

impl DisableReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gone => "gone",
            Self::Failing => "failing",
            Self::Manual => "manual",
        }
    }
}

/// `WEBHOOK_ENDPOINT_DISABLED`: the endpoint receives nothing until it is enabled again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointDisabled {
    /// The endpoint's id as the webhook API names it (a UUID on the built-in engine, `ep_…` on Svix).
    pub endpoint_id: String,
    pub url: String,
    pub reason: DisableReason,
    /// Since when it had been failing (`null` when it was not, e.g. disabled through the API).
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: DateTime<Utc>,
}

/// `WEBHOOK_ENDPOINT_ENABLED`: a disabled endpoint was enabled again through the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointEnabled {
    pub endpoint_id: String,
    pub url: String,
    pub enabled_at: DateTime<Utc>,
}

/// The last attempt of a message whose retries ran out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LastAttempt {
    /// The attempt's id, as the delivery history shows it.
    pub id: String,
    pub timestamp: DateTime<Utc>,
    /// `null` when no response came (timeout, refused connection, …).
    pub response_status_code: Option<i32>,
}

/// `WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED`: every attempt of the retry schedule failed; the message is
/// not tried again unless it is resent or recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageAttemptExhausted {
    pub endpoint_id: String,
    pub url: String,
    /// The event the message carries (its `id` in the body, as a UUID).
    pub event_id: Uuid,
    /// The `webhook-id` of the message: `msg_` and the event id's 32 hex digits on the built-in
    /// engine, Svix's message id on Svix.
    pub message_id: String,
    pub event_name: String,
    pub event_type: String,
    /// The automatic attempts made.
    pub attempts: u32,
    pub last_attempt: LastAttempt,
}
