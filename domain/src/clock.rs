//! Timestamps as the system stores them: UTC with microsecond precision, so what the API returns,
//! what the outbox carries and what a later read returns are the same instant, to the digit.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current time truncated to microseconds (PostgreSQL's `timestamptz` precision).
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// Truncates to microseconds.
pub fn truncate(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(instant)
}
