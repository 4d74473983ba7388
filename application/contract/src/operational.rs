//! The `data` of the operational events (an endpoint disabled or enabled again, a message whose
//! retries ran out), as their events carry it.

use crate::mirror::mirror_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    /// Why an endpoint was disabled.
    #[serde(rename_all = "snake_case")]
    pub enum DisableReason mirrors kaiten_domain::webhook_operational::DisableReason {
        /// It answered 410 Gone.
        Gone,
        /// It failed every attempt for longer than the failing-streak rule allows.
        Failing,
        /// It was disabled through the API.
        Manual,
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
