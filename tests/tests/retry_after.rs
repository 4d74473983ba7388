//! An endpoint that answers 429 (or 503) with `Retry-After` is left alone until then: its failed
//! message's next attempt and every other message's first attempt wait for the pause instead of
//! going out on the schedule, and the pause never runs past the schedule's longest step.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use support::TestApp;
use support::receiver::Receiver;

const DEADLINE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_retry_after_pauses_the_endpoint_until_then() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("busy", &[429, 200]);
    receiver.retry_after("busy", "2");
    // Retries 50 ms apart, the longest step 4 s: the 2 s pause is honoured, not the 50 ms step.
    let app = TestApp::spawn_delivering(|config| {
        config.webhooks_retry_schedule = vec![
            std::time::Duration::from_millis(50),
            std::time::Duration::from_millis(50),
            std::time::Duration::from_secs(4),
        ]
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) = app
        .send(
            Method::POST,
            "/api/webhooks",
            &acme.token,
            Some(json!({"url": receiver.url("busy"), "eventNames": ["CUSTOMER_CREATION"]})),
        )
        .await?;
    assert_eq!(status, 201);
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    let first = wait_for(DEADLINE, || async { Ok(receiver.requests("busy").into_iter().next()) }).await?;
    assert_eq!(first.status, 429);
    // Another message once the pause is recorded (with the 429's attempt): its first attempt waits too.
    wait_for(DEADLINE, || async {
        let (_, page) = app.send(Method::GET, "/api/webhooks/history?status=fail", &acme.token, None).await?;
        Ok((page["total"].as_i64() == Some(1)).then_some(()))
    })
    .await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Initech"}))).await?;
    let later = wait_for(DEADLINE, || async {
        let requests = receiver.requests("busy");
        Ok((requests.len() >= 3).then_some(requests))
    })
    .await?;
    for request in &later[1..] {
        let waited = request.at.duration_since(first.at);
        assert!(
            waited >= Duration::from_millis(1900),
            "{} arrived {waited:?} after the 429",
            request.json()["data"]["name"]
        );
        assert_eq!(request.status, 200);
    }
    let retried = later[1..].iter().any(|request| request.header("webhook-id") == first.header("webhook-id"));
    assert!(retried, "the message answered 429 was sent again");
    Ok(())
}
