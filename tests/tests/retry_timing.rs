//! Retries fire on time: with a short schedule of mixed steps (1 s, 3 s, 2 s, ±20 % jitter) and many
//! messages waiting at different steps at once, every retry reaches the receiver within its step ±
//! the jitter + 1 s of the attempt before it.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use support::TestApp;
use support::receiver::Receiver;

#[tokio::test]
async fn every_retry_fires_within_its_step_and_jitter_whatever_else_is_waiting() -> anyhow::Result<()> {
    let steps = [Duration::from_secs(1), Duration::from_secs(3), Duration::from_secs(2)];
    let receiver = Receiver::start().await?;
    receiver.script("down", &[500]);
    let app = TestApp::spawn_delivering(|config| {
        config.webhooks_retry_schedule = vec![
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(3),
            std::time::Duration::from_secs(2),
        ]
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) =
        app.send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": receiver.url("down")}))).await?;
    assert_eq!(status, 201);
    // Twelve messages, created one after the other, so their retries of different steps overlap.
    for n in 0..12 {
        let (status, _) =
            app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": format!("C{n}")}))).await?;
        assert_eq!(status, 201);
    }
    let requests = wait_for(Duration::from_secs(60), || async {
        let requests = receiver.requests("down");
        Ok((requests.len() >= 12 * 4).then_some(requests))
    })
    .await?;
    let mut by_message: BTreeMap<String, Vec<std::time::Instant>> = BTreeMap::new();
    for request in requests {
        by_message.entry(request.header("webhook-id")).or_default().push(request.at);
    }
    assert_eq!(by_message.len(), 12);
    for (message, arrivals) in by_message {
        assert_eq!(arrivals.len(), 4, "{message}: the first attempt and three retries");
        for (n, step) in steps.iter().enumerate() {
            let gap = arrivals[n + 1] - arrivals[n];
            let earliest = step.mul_f64(0.8).saturating_sub(Duration::from_millis(300));
            let latest = step.mul_f64(1.2) + Duration::from_secs(1);
            assert!(earliest <= gap && gap <= latest, "{message}: retry {} after {gap:?}, step {step:?}", n + 1);
        }
    }
    Ok(())
}
