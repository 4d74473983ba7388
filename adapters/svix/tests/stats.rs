//! Endpoint stats on Svix, computed from the window's attempts as Svix lists them.

mod support;

use chrono::{Duration, TimeZone, Utc};
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::webhook_stats::StatsWindow;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn stats_count_the_listed_attempts_of_the_window() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .mount(&server)
        .await;
    let attempts = attempt_list(vec![
        attempt_out("atmpt_3", "ep_1", 2, 500, "2026-09-01T12:40:00Z"),
        attempt_out("atmpt_2", "ep_1", 0, 200, "2026-09-01T12:20:00Z"),
        attempt_out("atmpt_1", "ep_1", 0, 200, "2026-09-01T11:10:00Z"),
    ]);
    Mock::given(method("GET"))
        .and(path(format!("{app}/attempt/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(attempts))
        .expect(1)
        .mount(&server)
        .await;
    let since = Utc.with_ymd_and_hms(2026, 9, 1, 11, 0, 0).single().unwrap_or_default();
    let window = StatsWindow { since, until: since + Duration::hours(2), bucket: Duration::hours(1) };

    let stats = management(&server).endpoint_stats(organization_id, &"ep_1".into(), window).await;

    let stats = stats.ok().flatten().unwrap_or_else(|| panic!("no stats"));
    let counts: Vec<(i64, i64)> = stats.buckets.iter().map(|b| (b.success, b.fail)).collect();
    assert_eq!(counts, [(1, 0), (1, 1)]);
    assert_eq!((stats.failing_streak, stats.sampled), (1, false));
    assert_eq!(stats.last_success_at.map(|at| at.to_rfc3339()), Some("2026-09-01T12:20:00+00:00".to_owned()));
}
