//! Svix down when Kaiten starts: the API still serves, readiness names Svix until the event types are
//! registered (retried in the background), events wait in the worker, and once Svix answers every
//! event is sent to it — nothing dead-lettered. Svix is a local stand-in that answers 503 until it is
//! switched on.

mod support;

use kaiten_test_support::{read_queue, wait_for};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::TestApp;
use support::svix::{Svix, start};

#[tokio::test]
async fn svix_down_at_start_keeps_the_api_serving_and_nothing_is_lost() -> anyhow::Result<()> {
    let svix = Arc::new(Svix::default());
    let url = start(svix.clone()).await?;
    let app = TestApp::spawn_configured("api,relay,worker", None, |config| {
        config.svix_api_key = Some("testsk_outage".into());
        config.svix_server_url = Some(url);
        config.worker_retry_delays = kaiten_test_support::TEST_WORKER_RETRY_DELAYS.into();
    })
    .await?;
    let health = app.client.get(format!("{}/api/healthz", app.base_url)).send().await?;
    assert_eq!(health.status(), 200);
    let readiness = |app: &TestApp| {
        let request = app.client.get(format!("{}/api/readyz", app.base_url));
        async move {
            let response = request.send().await?;
            Ok::<_, anyhow::Error>((response.status().as_u16(), response.json::<Value>().await?))
        }
    };
    let (status, problem) = readiness(&app).await?;
    assert_eq!(status, 503);
    assert!(problem["detail"].as_str().unwrap_or_default().contains("svix"), "{problem}");

    let acme = app.tenant("Acme").await?;
    for name in ["Globex", "Initech", "Umbrella"] {
        let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": name}))).await?;
        assert_eq!(status, 201, "the API serves while Svix is down");
    }
    // The events reach the worker and wait for Svix there, far longer than their whole retry budget.
    wait_for(Duration::from_secs(30), || async {
        let (_, problem) = readiness(&app).await?;
        let detail = problem["detail"].as_str().unwrap_or_default().to_owned();
        Ok(detail.contains("worker: waiting for svix").then_some(()))
    })
    .await?;

    svix.up.store(true, Ordering::SeqCst);
    wait_for(Duration::from_secs(90), || async { Ok((readiness(&app).await?.0 == 200).then_some(())) }).await?;
    let sent = wait_for(Duration::from_secs(60), || async {
        let messages = svix.messages.lock().map(|m| m.clone()).unwrap_or_default();
        Ok((messages.len() >= 3).then_some(messages))
    })
    .await?;
    let mut event_ids: Vec<String> =
        sent.iter().map(|m| m["eventId"].as_str().unwrap_or_default().to_owned()).collect();
    event_ids.sort();
    event_ids.dedup();
    let mut outbox: Vec<String> = app.outbox().await?.iter().map(|row| row.id.to_string()).collect();
    outbox.sort();
    assert_eq!(event_ids, outbox, "every event was sent to Svix once it answered");
    let dead = read_queue(&format!("{}.dlq", app.names.exchange), Duration::from_millis(300), |_| false).await;
    assert!(dead.is_err_and(|e| e.to_string().contains("only 0 messages")), "nothing was dead-lettered");
    Ok(())
}
