//! An endpoint's health from `webhook_attempts`: two statements on the (endpoint, time) index in one
//! read-only snapshot — the counts per bucket, then the window's totals and latency percentiles with
//! the last success, the last failure and the failing streak.

use crate::errors::repo_error;
use crate::snapshot::in_one_snapshot;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook_stats::{
    EndpointStats, LatencyPercentiles, MAX_STREAK, StatsBucket, StatsWindow, fill_buckets, success_rate,
};
use uuid::Uuid;

#[derive(QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Timestamptz)]
    start: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    success: i64,
    #[diesel(sql_type = BigInt)]
    fail: i64,
}

#[derive(QueryableByName)]
struct SummaryRow {
    #[diesel(sql_type = BigInt)]
    success: i64,
    #[diesel(sql_type = BigInt)]
    fail: i64,
    #[diesel(sql_type = Nullable<Double>)]
    p50: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    p95: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    p99: Option<f64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_success_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_failure_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    failing_streak: i64,
}

const BUCKETS: &str = "SELECT date_bin(make_interval(secs => $4), created_at, $2) AS start, \
       count(*) FILTER (WHERE status = 'success') AS success, count(*) FILTER (WHERE status = 'fail') AS fail \
     FROM webhook_attempts WHERE endpoint_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1";

const SUMMARY: &str = "WITH windowed AS ( \
       SELECT status, duration_ms FROM webhook_attempts \
       WHERE endpoint_id = $1 AND created_at >= $2 AND created_at < $3), \
     last_success AS (SELECT max(created_at) AS at FROM webhook_attempts WHERE endpoint_id = $1 AND status = 'success'), \
     last_failure AS (SELECT max(created_at) AS at FROM webhook_attempts WHERE endpoint_id = $1 AND status = 'fail') \
     SELECT (SELECT count(*) FROM windowed WHERE status = 'success') AS success, \
       (SELECT count(*) FROM windowed WHERE status = 'fail') AS fail, \
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FROM windowed) AS p50, \
       (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM windowed) AS p95, \
       (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) FROM windowed) AS p99, \
       (SELECT at FROM last_success) AS last_success_at, (SELECT at FROM last_failure) AS last_failure_at, \
       (SELECT count(*) FROM (SELECT 1 FROM webhook_attempts WHERE endpoint_id = $1 AND status = 'fail' \
          AND created_at > COALESCE((SELECT at FROM last_success), '-infinity') LIMIT $4) streak) AS failing_streak";

/// The endpoint's stats over `window` (the endpoint is known to exist).
pub(crate) async fn endpoint_stats(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    window: &StatsWindow,
) -> Result<EndpointStats, RepoError> {
    // One snapshot for both statements: an attempt settled between them would be in the totals but
    // in no bucket.
    let window = *window;
    let (counted, summary) = in_one_snapshot!(conn, {
        let counted: Vec<BucketRow> = diesel::sql_query(BUCKETS)
            .bind::<SqlUuid, _>(endpoint_id)
            .bind::<Timestamptz, _>(window.since)
            .bind::<Timestamptz, _>(window.until)
            .bind::<Double, _>(window.bucket.num_seconds() as f64)
            .load(conn)
            .await?;
        let summary: SummaryRow = diesel::sql_query(SUMMARY)
            .bind::<SqlUuid, _>(endpoint_id)
            .bind::<Timestamptz, _>(window.since)
            .bind::<Timestamptz, _>(window.until)
            .bind::<BigInt, _>(MAX_STREAK)
            .get_result(conn)
            .await?;
        Ok((counted, summary))
    })
    .map_err(repo_error)?;
    let counted: Vec<StatsBucket> =
        counted.into_iter().map(|row| StatsBucket { start: row.start, success: row.success, fail: row.fail }).collect();
    let latency = match (summary.p50, summary.p95, summary.p99) {
        (Some(p50), Some(p95), Some(p99)) => Some(LatencyPercentiles { p50, p95, p99 }),
        _ => None,
    };
    Ok(EndpointStats {
        endpoint_id: EndpointRef::new(endpoint_id.to_string()),
        since: window.since,
        until: window.until,
        bucket_seconds: window.bucket.num_seconds(),
        buckets: fill_buckets(&window, &counted),
        success: summary.success,
        fail: summary.fail,
        success_rate: success_rate(summary.success, summary.fail),
        last_success_at: summary.last_success_at,
        last_failure_at: summary.last_failure_at,
        failing_streak: summary.failing_streak,
        latency_ms: latency,
        sampled: false,
    })
}
