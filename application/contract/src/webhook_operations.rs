//! What the API reports about an endpoint's deliveries and takes to act on them: statistics,
//! recoveries and replays, secret rotations, test sends.

use crate::mirror::mirror_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of `POST /api/webhooks/{id}/recover` and `…/replay`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryRequest {
    /// From this time (RFC 3339), at most 14 days before `until`.
    pub since: DateTime<Utc>,
    /// Up to this time (default now).
    pub until: Option<DateTime<Utc>>,
}

impl From<RecoveryRequest> for kaiten_domain::webhook_recovery::RecoveryRequest {
    fn from(value: RecoveryRequest) -> Self {
        Self { since: value.since, until: value.until }
    }
}

mirror_enum! {
    #[serde(rename_all = "lowercase")]
    pub enum RecoveryKind mirrors kaiten_domain::webhook_recovery::RecoveryKind {
        /// Messages whose delivery failed.
        Recover,
        /// Messages never sent to the endpoint.
        Replay,
    }
}

mirror_enum! {
    #[serde(rename_all = "lowercase")]
    pub enum RecoveryStatus mirrors kaiten_domain::webhook_recovery::RecoveryStatus {
        /// Some of its messages are still being delivered (or retried).
        Running,
        /// Every message it sent succeeded or ran out of attempts.
        Finished,
        /// The backend reports no progress (a self-hosted svix-server keeps no background tasks).
        Unknown,
    }
}

/// A recovery or replay and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryTask {
    /// Read its progress at `GET /api/webhooks/recoveries/{id}`.
    pub id: String,
    pub endpoint_id: String,
    pub kind: RecoveryKind,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub status: RecoveryStatus,
    /// Messages it sends again (each once, through the endpoint's one delivery chain: a message
    /// already being delivered is not taken twice). Null when the backend does not say (Svix).
    pub queued: Option<i64>,
    /// Of those: delivered, failed again (its attempts ran out), still on their way; null when the
    /// backend does not say.
    pub succeeded: Option<i64>,
    pub failed: Option<i64>,
    pub pending: Option<i64>,
    /// More messages matched than one request takes ([`MAX_RECOVERY_MESSAGES`]): ask again.
    pub more: bool,
    pub created_at: DateTime<Utc>,
}

impl From<kaiten_domain::webhook_recovery::RecoveryTask> for RecoveryTask {
    fn from(value: kaiten_domain::webhook_recovery::RecoveryTask) -> Self {
        Self {
            id: value.id,
            endpoint_id: value.endpoint_id.into(),
            kind: value.kind.into(),
            since: value.since,
            until: value.until,
            status: value.status.into(),
            queued: value.queued,
            succeeded: value.succeeded,
            failed: value.failed,
            pending: value.pending,
            more: value.more,
            created_at: value.created_at,
        }
    }
}

/// The body of `POST /api/webhooks/{id}/rotate-secret` (optional).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRotationRequest {
    /// How long the previous secret keeps signing, in seconds: 0 (it stops at once) to 604800 (7 days);
    /// default 86400 (24 hours).
    #[schema(minimum = 0, maximum = 604800)]
    pub overlap_seconds: Option<i64>,
}

impl From<SecretRotationRequest> for kaiten_domain::webhook_secret_rotation::SecretRotationRequest {
    fn from(value: SecretRotationRequest) -> Self {
        Self { overlap_seconds: value.overlap_seconds }
    }
}

/// One bucket of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsBucket {
    pub start: DateTime<Utc>,
    pub success: i64,
    pub fail: i64,
}

impl From<kaiten_domain::webhook_stats::StatsBucket> for StatsBucket {
    fn from(value: kaiten_domain::webhook_stats::StatsBucket) -> Self {
        Self { start: value.start, success: value.success, fail: value.fail }
    }
}

/// Attempt durations in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LatencyPercentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

impl From<kaiten_domain::webhook_stats::LatencyPercentiles> for LatencyPercentiles {
    fn from(value: kaiten_domain::webhook_stats::LatencyPercentiles) -> Self {
        Self { p50: value.p50, p95: value.p95, p99: value.p99 }
    }
}

/// `GET /api/webhooks/{id}/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointStats {
    pub endpoint_id: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The bucket's length in seconds.
    pub bucket_seconds: i64,
    /// Every bucket of the window, oldest first (empty ones included).
    pub buckets: Vec<StatsBucket>,
    /// Successful attempts in the window.
    pub success: i64,
    /// Failed attempts in the window.
    pub fail: i64,
    /// Of the attempts in the window, the share that succeeded (`null` without attempts).
    pub success_rate: Option<f64>,
    /// The last successful attempt, whenever it was.
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last failed attempt, whenever it was.
    pub last_failure_at: Option<DateTime<Utc>>,
    /// Failed attempts since the last success (counted up to 10,000).
    pub failing_streak: i64,
    /// Of the attempts in the window that got an answer or timed out (`null` without attempts).
    pub latency_ms: Option<LatencyPercentiles>,
    /// The figures come from the newest attempts of the window only (Svix: at most 1,000 read).
    pub sampled: bool,
}

impl From<kaiten_domain::webhook_stats::EndpointStats> for EndpointStats {
    fn from(value: kaiten_domain::webhook_stats::EndpointStats) -> Self {
        Self {
            endpoint_id: value.endpoint_id.into(),
            since: value.since,
            until: value.until,
            bucket_seconds: value.bucket_seconds,
            buckets: value.buckets.into_iter().map(Into::into).collect(),
            success: value.success,
            fail: value.fail,
            success_rate: value.success_rate,
            last_success_at: value.last_success_at,
            last_failure_at: value.last_failure_at,
            failing_streak: value.failing_streak,
            latency_ms: value.latency_ms.map(Into::into),
            sampled: value.sampled,
        }
    }
}

/// The body of `POST /api/webhooks/{id}/test`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestSendRequest {
    /// The catalog event whose example is sent (`GET /api/events/catalog`).
    pub event_name: String,
}

impl From<TestSendRequest> for kaiten_domain::webhook_test_send::TestSendRequest {
    fn from(value: TestSendRequest) -> Self {
        Self { event_name: value.event_name }
    }
}

/// What a test send queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestSendAccepted {
    /// The test message's event id: `GET /api/webhooks/messages/{eventId}` shows its body and attempts.
    /// `null` on Svix, whose test messages have none (they appear in the history).
    pub event_id: Option<String>,
    /// The message id the receiver sees in `webhook-id`.
    pub message_id: String,
}

impl From<kaiten_domain::webhook_test_send::TestSendAccepted> for TestSendAccepted {
    fn from(value: kaiten_domain::webhook_test_send::TestSendAccepted) -> Self {
        Self { event_id: value.event_id, message_id: value.message_id }
    }
}
