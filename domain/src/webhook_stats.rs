//! An endpoint's health at a glance: its attempts' successes and failures per time bucket over a
//! window, the last success and failure, the current failing streak and the latency percentiles —
//! `GET /api/webhooks/{id}/stats`, drawn as a chart by the console.

use crate::validation::{FieldError, ValidationErrors};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// The longest window: 30 days.
pub const MAX_WINDOW: Duration = Duration::days(30);
/// At most this many buckets in one answer.
pub const MAX_BUCKETS: i64 = 1000;
/// A failing streak is counted up to this many attempts.
pub const MAX_STREAK: i64 = 10_000;
const BUCKETS: [(&str, i64); 6] = [("1m", 60), ("5m", 300), ("15m", 900), ("1h", 3600), ("6h", 21_600), ("1d", 86_400)];

/// A validated window: `[since, until)` cut into buckets of `bucket` starting at `since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsWindow {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub bucket: Duration,
}

impl StatsWindow {
    /// `until` defaults to `now`, `since` to a day before `until`, `bucket` to `1h`; the window is at
    /// most 30 days and 1,000 buckets.
    pub fn parse(
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
        bucket: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = Vec::new();
        let until = until.unwrap_or(now);
        let since = since.unwrap_or(until - Duration::days(1));
        let seconds = match bucket {
            None => 3600,
            Some(raw) => BUCKETS.iter().find(|(name, _)| *name == raw).map_or_else(
                || {
                    errors.push(FieldError::new("query.bucket", "must be 1m, 5m, 15m, 1h, 6h or 1d", Some(raw.into())));
                    3600
                },
                |(_, seconds)| *seconds,
            ),
        };
        let bucket = Duration::seconds(seconds);
        if since >= until {
            errors.push(FieldError::new("query.since", "must be before until", Some(Value::from(since.to_rfc3339()))));
        } else if until - since > MAX_WINDOW {
            errors.push(FieldError::new("query.since", "the window is at most 30 days", None));
        } else if (until - since).num_seconds() / seconds >= MAX_BUCKETS {
            errors.push(FieldError::new("query.bucket", "at most 1000 buckets: choose a larger bucket", None));
        }
        if errors.is_empty() { Ok(Self { since, until, bucket }) } else { Err(ValidationErrors(errors)) }
    }

    /// The start of every bucket of the window, in order.
    pub fn bucket_starts(&self) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        let step = self.bucket;
        std::iter::successors(Some(self.since), move |start| Some(*start + step))
            .take_while(|start| *start < self.until)
    }
}

/// One bucket of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsBucket {
    pub start: DateTime<Utc>,
    pub success: i64,
    pub fail: i64,
}

/// Attempt durations in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyPercentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

/// `GET /api/webhooks/{id}/stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointStats {
    pub endpoint_id: crate::webhook::EndpointRef,
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

/// Counts per bucket as a store finds them (buckets without attempts left out).
pub fn fill_buckets(window: &StatsWindow, counted: &[StatsBucket]) -> Vec<StatsBucket> {
    let by_start: std::collections::HashMap<DateTime<Utc>, &StatsBucket> =
        counted.iter().map(|bucket| (bucket.start, bucket)).collect();
    window
        .bucket_starts()
        .map(|start| match by_start.get(&start) {
            Some(bucket) => (*bucket).clone(),
            None => StatsBucket { start, success: 0, fail: 0 },
        })
        .collect()
}

/// The share of successes, when there were attempts.
pub fn success_rate(success: i64, fail: i64) -> Option<f64> {
    let total = success + fail;
    (total > 0).then(|| success as f64 / total as f64)
}

/// One attempt as the stats count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedAttempt {
    pub at: DateTime<Utc>,
    pub succeeded: bool,
    pub duration_ms: i64,
}

/// The stats of the attempts a backend listed, in any order (for a backend that cannot count them
/// itself); the last success and failure and the streak are those of the listed attempts.
pub fn stats_of(
    endpoint_id: crate::webhook::EndpointRef,
    window: &StatsWindow,
    attempts: &[CountedAttempt],
    sampled: bool,
) -> EndpointStats {
    let mut newest_first = attempts.to_vec();
    newest_first.sort_by_key(|attempt| std::cmp::Reverse(attempt.at));
    let step = window.bucket.num_seconds().max(1);
    let mut counted: Vec<StatsBucket> =
        window.bucket_starts().map(|start| StatsBucket { start, success: 0, fail: 0 }).collect();
    for attempt in newest_first.iter().filter(|a| a.at >= window.since && a.at < window.until) {
        let index = usize::try_from((attempt.at - window.since).num_seconds() / step).unwrap_or(usize::MAX);
        if let Some(bucket) = counted.get_mut(index) {
            if attempt.succeeded { bucket.success += 1 } else { bucket.fail += 1 }
        }
    }
    let (success, fail) = counted.iter().fold((0, 0), |(s, f), bucket| (s + bucket.success, f + bucket.fail));
    let mut durations: Vec<f64> = newest_first.iter().map(|a| a.duration_ms as f64).collect();
    durations.sort_by(f64::total_cmp);
    let latency = (!durations.is_empty()).then(|| LatencyPercentiles {
        p50: percentile(&durations, 0.5),
        p95: percentile(&durations, 0.95),
        p99: percentile(&durations, 0.99),
    });
    EndpointStats {
        endpoint_id,
        since: window.since,
        until: window.until,
        bucket_seconds: step,
        buckets: counted,
        success,
        fail,
        success_rate: success_rate(success, fail),
        last_success_at: newest_first.iter().find(|a| a.succeeded).map(|a| a.at),
        last_failure_at: newest_first.iter().find(|a| !a.succeeded).map(|a| a.at),
        failing_streak: newest_first.iter().take_while(|a| !a.succeeded).count() as i64,
        latency_ms: latency,
        sampled,
    }
}

/// The continuous percentile (as PostgreSQL's `percentile_cont`) of sorted, non-empty `values`.
fn percentile(values: &[f64], fraction: f64) -> f64 {
    let position = fraction * (values.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    let low = values.get(below).copied().unwrap_or_default();
    let high = values.get(above).copied().unwrap_or(low);
    low + (high - low) * (position - below as f64)
}

#[cfg(test)]
#[path = "webhook_stats_tests.rs"]
mod tests;
