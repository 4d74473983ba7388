//! Endpoint stats on the built-in engine equal what the receiver saw: its successes and failures,
//! bucket by bucket, the last of each and the failing streak; bad windows are refused and another
//! organization's endpoint is not there.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::TestApp;
use support::receiver::Receiver;

const DEADLINE: Duration = Duration::from_secs(30);

fn sum(stats: &Value, field: &str) -> i64 {
    stats["buckets"].as_array().map_or(0, |buckets| buckets.iter().filter_map(|b| b[field].as_i64()).sum())
}

#[tokio::test]
async fn stats_equal_what_the_receiver_saw() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    // The first request fails, every later one succeeds.
    receiver.script("flaky", &[500, 200]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let body = json!({"url": receiver.url("flaky"), "eventNames": ["CUSTOMER_CREATION"]});
    let (_, created) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    for name in ["Globex", "Initech", "Umbrella"] {
        app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": name}))).await?;
    }
    // Three messages, the first retried once: four requests, all recorded as attempts.
    let stats_path = format!("/api/webhooks/{id}/stats?bucket=5m");
    let stats = wait_for(DEADLINE, || async {
        let (_, stats) = app.send(Method::GET, &stats_path, &acme.token, None).await?;
        let recorded = stats["success"].as_i64().unwrap_or(0) + stats["fail"].as_i64().unwrap_or(0);
        Ok(Some(stats).filter(|_| recorded == 4 && receiver.requests("flaky").len() == 4))
    })
    .await?;
    let seen = receiver.requests("flaky");
    let answered = |code: u16| seen.iter().filter(|request| request.status == code).count() as i64;
    assert_eq!((stats["success"].as_i64(), stats["fail"].as_i64()), (Some(answered(200)), Some(answered(500))));
    assert_eq!((sum(&stats, "success"), sum(&stats, "fail")), (3, 1), "{stats}");
    assert_eq!(stats["buckets"].as_array().map(Vec::len), Some(288), "a day of 5-minute buckets");
    assert_eq!(stats["successRate"], 0.75);
    assert_eq!(stats["failingStreak"], 0);
    assert!(stats["lastSuccessAt"].is_string() && stats["lastFailureAt"].is_string(), "{stats}");
    assert!(stats["latencyMs"]["p99"].as_f64().is_some_and(|p99| p99 >= 0.0), "{stats}");

    let globex = app.tenant("Globex").await?;
    assert_eq!(app.send(Method::GET, &stats_path, &globex.token, None).await?.0, 404);
    for refused in ["bucket=2h", "since=yesterday", "since=2026-01-01T00:00:00Z&until=2026-03-01T00:00:00Z"] {
        let (status, problem) =
            app.send(Method::GET, &format!("/api/webhooks/{id}/stats?{refused}"), &acme.token, None).await?;
        assert_eq!(status, 422, "{refused}: {problem}");
    }
    Ok(())
}

#[tokio::test]
async fn a_failing_endpoint_shows_its_streak_and_no_success() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("down", &[503]);
    let app =
        TestApp::spawn_delivering(|config| config.webhooks_retry_schedule = vec![std::time::Duration::from_secs(3600)])
            .await?;
    let acme = app.tenant("Acme").await?;
    let body = json!({"url": receiver.url("down"), "eventNames": ["CUSTOMER_CREATION"]});
    let (_, created) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    for name in ["Globex", "Initech"] {
        app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": name}))).await?;
    }
    let stats = wait_for(DEADLINE, || async {
        let (_, stats) = app.send(Method::GET, &format!("/api/webhooks/{id}/stats"), &acme.token, None).await?;
        Ok(Some(stats).filter(|stats| stats["fail"] == 2))
    })
    .await?;
    assert_eq!(
        (&stats["failingStreak"], &stats["success"], &stats["successRate"]),
        (&json!(2), &json!(0), &json!(0.0))
    );
    assert!(stats["lastSuccessAt"].is_null(), "{stats}");
    Ok(())
}
