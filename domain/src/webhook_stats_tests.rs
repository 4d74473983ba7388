use super::*;
use chrono::TimeZone;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).single().unwrap_or_default()
}

#[test]
fn defaults_are_the_last_day_in_hours() {
    let window = StatsWindow::parse(None, None, None, at(12));
    assert_eq!(
        window,
        Ok(StatsWindow { since: at(12) - Duration::days(1), until: at(12), bucket: Duration::hours(1) })
    );
    assert_eq!(window.map(|w| w.bucket_starts().count()), Ok(24));
}

#[test]
fn bad_windows_and_buckets_are_refused_with_their_parameter() {
    let location = |result: Result<StatsWindow, ValidationErrors>| {
        result.err().map(|e| e.0.iter().map(|e| e.location.clone()).collect::<Vec<_>>()).unwrap_or_default()
    };
    assert_eq!(location(StatsWindow::parse(Some(at(5)), Some(at(4)), None, at(12))), ["query.since"]);
    assert_eq!(
        location(StatsWindow::parse(Some(at(0) - Duration::days(31)), Some(at(0)), Some("1d"), at(12))),
        ["query.since"]
    );
    assert_eq!(location(StatsWindow::parse(None, None, Some("2h"), at(12))), ["query.bucket"]);
    assert_eq!(
        location(StatsWindow::parse(Some(at(0) - Duration::days(2)), Some(at(0)), Some("1m"), at(12))),
        ["query.bucket"]
    );
}

#[test]
fn missing_buckets_are_filled_with_zeros_in_order() {
    let window = StatsWindow { since: at(0), until: at(3), bucket: Duration::hours(1) };
    let counted = [StatsBucket { start: at(1), success: 2, fail: 1 }];
    let filled = fill_buckets(&window, &counted);
    let counts: Vec<(i64, i64)> = filled.iter().map(|b| (b.success, b.fail)).collect();
    assert_eq!(counts, [(0, 0), (2, 1), (0, 0)]);
    assert_eq!(filled[2].start, at(2));
    assert_eq!(success_rate(3, 1), Some(0.75));
    assert_eq!(success_rate(0, 0), None);
}

#[test]
fn listed_attempts_give_buckets_percentiles_the_last_of_each_and_the_streak() {
    let window = StatsWindow { since: at(0), until: at(3), bucket: Duration::hours(1) };
    let attempt = |hour: u32, minute: i64, succeeded: bool, duration_ms: i64| CountedAttempt {
        at: at(hour) + Duration::minutes(minute),
        succeeded,
        duration_ms,
    };
    let attempts = [
        attempt(0, 10, true, 10),
        attempt(1, 5, true, 20),
        attempt(2, 1, false, 30),
        attempt(2, 30, false, 40),
        attempt(1, 50, true, 50),
    ];
    let stats = stats_of(crate::webhook::EndpointRef::new("ep"), &window, &attempts, true);
    let counts: Vec<(i64, i64)> = stats.buckets.iter().map(|b| (b.success, b.fail)).collect();
    assert_eq!(counts, [(1, 0), (2, 0), (0, 2)]);
    assert_eq!((stats.success, stats.fail, stats.failing_streak), (3, 2, 2));
    assert_eq!(stats.last_success_at, Some(at(1) + Duration::minutes(50)));
    assert_eq!(stats.last_failure_at, Some(at(2) + Duration::minutes(30)));
    let latency = stats.latency_ms.map(|l| [l.p50, l.p95, l.p99].map(|v| (v * 10.0).round() / 10.0));
    assert_eq!(latency, Some([30.0, 48.0, 49.6]));
    assert!(stats.sampled);
}
