//! Recovering an endpoint's messages without code: `recover` sends again every message whose delivery
//! to the endpoint failed in a window (Svix's "recover failed messages"); `replay` sends the messages
//! it should have had but never was sent (it was created, re-scoped or re-enabled later). Either
//! runs as a task whose progress can be read.

use crate::validation::{FieldError, ValidationErrors};
use chrono::{DateTime, Duration, Utc};

/// The longest window one request covers (Svix's limit for a recovery), plus five minutes of
/// clock skew so that `now - 14 days` always passes.
pub const MAX_RECOVERY_WINDOW: Duration = Duration::minutes(14 * 24 * 60 + 5);
/// The most messages one request sends again; ask again for the rest (`more`).
pub const MAX_RECOVERY_MESSAGES: usize = 1000;

/// The input of `POST /api/webhooks/{id}/recover` and `…/replay`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryRequest {
    /// From this time (RFC 3339), at most 14 days before `until`.
    pub since: DateTime<Utc>,
    /// Up to this time (default now).
    pub until: Option<DateTime<Utc>>,
}

/// A checked window: `since < until`, at most [`MAX_RECOVERY_WINDOW`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryWindow {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl RecoveryRequest {
    pub fn validate(self, now: DateTime<Utc>) -> Result<RecoveryWindow, ValidationErrors> {
        let until = self.until.unwrap_or(now);
        let error =
            |location: &str, message: &str| Err(ValidationErrors(vec![FieldError::new(location, message, None)]));
        if self.since >= until {
            return error("body.since", "must be before until (default now)");
        }
        if until - self.since > MAX_RECOVERY_WINDOW {
            return error("body.since", "a request covers at most 14 days: ask once per 14 days");
        }
        Ok(RecoveryWindow { since: self.since, until })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryKind {
    /// Messages whose delivery failed.
    Recover,
    /// Messages never sent to the endpoint.
    Replay,
}

impl RecoveryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recover => "recover",
            Self::Replay => "replay",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Recover, Self::Replay].into_iter().find(|kind| kind.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStatus {
    /// Some of its messages are still being delivered (or retried).
    Running,
    /// Every message it sent succeeded or ran out of attempts.
    Finished,
    /// The backend reports no progress (a self-hosted svix-server keeps no background tasks).
    Unknown,
}

/// A recovery or replay and its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryTask {
    /// Read its progress at `GET /api/webhooks/recoveries/{id}`.
    pub id: String,
    pub endpoint_id: crate::webhook::EndpointRef,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_runs_forward_and_covers_at_most_fourteen_days() {
        let now = Utc::now();
        let ok = RecoveryRequest { since: now - Duration::days(14), until: None }.validate(now);
        assert_eq!(ok.map(|w| w.until), Ok(now));
        assert!(RecoveryRequest { since: now, until: None }.validate(now).is_err());
        assert!(RecoveryRequest { since: now - Duration::days(15), until: None }.validate(now).is_err());
        let past = RecoveryRequest { since: now - Duration::days(30), until: Some(now - Duration::days(20)) };
        assert!(past.validate(now).is_ok());
    }
}
