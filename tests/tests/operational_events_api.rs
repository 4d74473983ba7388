//! The operational events end to end on the built-in engine: an endpoint disabled (410, the
//! failing-streak rule, the API), enabled again, and a message whose retries ran out are written to
//! the outbox by the statement that made the change, travel the WAL, the relay and the queue, and
//! reach, signed, only the endpoints that name them, never the endpoint they are about; an endpoint
//! subscribed to every event never gets them.

mod support;

use kaiten_contract::operational::{DisableReason, EndpointDisabled, EndpointEnabled, MessageAttemptExhausted};
use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use support::receiver::{ReceivedRequest, Receiver};
use support::webhooks::{DEADLINE, create_customer, endpoint, received};
use support::{Tenant, TestApp};

const OPERATIONAL: [&str; 3] =
    ["WEBHOOK_ENDPOINT_DISABLED", "WEBHOOK_ENDPOINT_ENABLED", "WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED"];

/// The request's body, once its signature verified with `secret`.
fn verified(request: &ReceivedRequest, secret: &str) -> anyhow::Result<Value> {
    svix::webhooks::Webhook::new(secret)?.verify(&request.body, &request.headers)?;
    Ok(serde_json::from_slice(&request.body)?)
}

fn names(requests: &[ReceivedRequest]) -> Vec<String> {
    requests.iter().map(|request| request.json()["name"].as_str().unwrap_or_default().to_owned()).collect()
}

/// Whether every operational row of the outbox fits its catalog schema (the `data` is built in SQL).
async fn fit_the_catalog(app: &TestApp, tenant: &Tenant) -> anyhow::Result<()> {
    let (_, catalog) = app.send(Method::GET, "/api/events/catalog", &tenant.token, None).await?;
    let items = catalog["items"].as_array().cloned().unwrap_or_default();
    for row in app.outbox().await?.into_iter().filter(|row| OPERATIONAL.contains(&row.event_name.as_str())) {
        let event = items.iter().find(|e| e["name"] == row.event_name.as_str());
        let schema = event
            .map(|e| e["schema"].clone())
            .ok_or_else(|| anyhow::anyhow!("{} not in the catalog", row.event_name))?;
        let validator = jsonschema::validator_for(&schema).map_err(|e| anyhow::anyhow!("invalid schema: {e}"))?;
        anyhow::ensure!(validator.is_valid(&row.data), "{} data {} does not fit its schema", row.event_name, row.data);
    }
    Ok(())
}

async fn operational_rows(app: &TestApp, name: &str) -> anyhow::Result<Vec<Value>> {
    Ok(app.outbox().await?.into_iter().filter(|row| row.event_name == name).map(|row| row.data).collect())
}

#[tokio::test]
async fn disabling_and_enabling_reach_the_endpoint_that_names_them_and_nobody_else() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("gone", &[410, 200]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    // It names the ENABLED event: the one about itself must still never reach it.
    let (gone_id, _) =
        endpoint(&app, &acme, receiver.url("gone"), &["CUSTOMER_CREATION", "WEBHOOK_ENDPOINT_ENABLED"]).await?;
    let (_, watcher_secret) = endpoint(&app, &acme, receiver.url("watcher"), &OPERATIONAL).await?;
    let (everything_id, _) = endpoint(&app, &acme, receiver.url("everything"), &[]).await?;

    create_customer(&app, &acme, "Globex").await?;
    let disabled = verified(&received(&receiver, "watcher", 1).await?[0], &watcher_secret)?;
    assert_eq!(
        (&disabled["name"], &disabled["type"]),
        (&json!("WEBHOOK_ENDPOINT_DISABLED"), &json!("com.kaiten.webhook.v1.endpoint_disabled"))
    );
    let data: EndpointDisabled = serde_json::from_value(disabled["data"].clone())?;
    assert_eq!((data.endpoint_id, data.url, data.reason), (gone_id.clone(), receiver.url("gone"), DisableReason::Gone));
    assert!(data.failing_since.is_some_and(|since| since <= data.disabled_at), "{disabled}");
    assert_eq!(operational_rows(&app, "WEBHOOK_ENDPOINT_DISABLED").await?.len(), 1, "one event in the outbox");

    let (status, _) = app
        .send(Method::PUT, &format!("/api/webhooks/{gone_id}"), &acme.token, Some(json!({"disabled": false})))
        .await?;
    assert_eq!(status, 200);
    let enabled = verified(&received(&receiver, "watcher", 2).await?[1], &watcher_secret)?;
    assert_eq!(enabled["name"], "WEBHOOK_ENDPOINT_ENABLED");
    let data: EndpointEnabled = serde_json::from_value(enabled["data"].clone())?;
    assert_eq!(data.endpoint_id, gone_id);
    // Nor by a resend naming it.
    let outbox = app.outbox().await?;
    let row = outbox.iter().find(|row| row.event_name == "WEBHOOK_ENDPOINT_DISABLED");
    let resend = format!("/api/webhooks/messages/{}/resend", row.map(|row| row.id).unwrap_or_default());
    let (status, problem) = app.send(Method::POST, &resend, &acme.token, Some(json!({"endpointId": gone_id}))).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("about_this_endpoint")), "{problem}");
    // A PUT that leaves `disabled` as it is reports nothing; disabling through the API does.
    app.send(Method::PUT, &format!("/api/webhooks/{gone_id}"), &acme.token, Some(json!({"disabled": false}))).await?;
    let path = format!("/api/webhooks/{everything_id}");
    app.send(Method::PUT, &path, &acme.token, Some(json!({"disabled": true}))).await?;
    let manual = verified(&received(&receiver, "watcher", 3).await?[2], &watcher_secret)?;
    let data: EndpointDisabled = serde_json::from_value(manual["data"].clone())?;
    assert_eq!((data.endpoint_id, data.reason), (everything_id, DisableReason::Manual));
    assert_eq!(operational_rows(&app, "WEBHOOK_ENDPOINT_ENABLED").await?.len(), 1, "the second PUT changed nothing");

    fit_the_catalog(&app, &acme).await?;
    assert_eq!(names(&receiver.requests("gone")), ["CUSTOMER_CREATION"], "never the endpoint it is about");
    assert_eq!(names(&receiver.requests("everything")), ["CUSTOMER_CREATION"], "not part of every event");
    Ok(())
}

#[tokio::test]
async fn exhausted_retries_are_reported_once_and_never_to_the_endpoint_they_are_about() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("down", &[500]);
    receiver.script("down-watcher", &[503]);
    let app =
        TestApp::spawn_delivering(|config| config.webhooks_retry_schedule = vec![std::time::Duration::from_secs(1)])
            .await?;
    let acme = app.tenant("Acme").await?;
    let exhausted = "WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED";
    let (down_id, _) = endpoint(&app, &acme, receiver.url("down"), &["CUSTOMER_CREATION", exhausted]).await?;
    let (_, watcher_secret) = endpoint(&app, &acme, receiver.url("watcher"), &[exhausted]).await?;
    // Fails too: its own exhausted operational message is not reported again (no loop between two
    // failing receivers of operational events).
    let (down_watcher_id, _) = endpoint(&app, &acme, receiver.url("down-watcher"), &[exhausted]).await?;

    create_customer(&app, &acme, "Initech").await?;
    let attempts = received(&receiver, "down", 2).await?;
    let report = verified(&received(&receiver, "watcher", 1).await?[0], &watcher_secret)?;
    assert_eq!(report["type"], "com.kaiten.webhook.v1.message_attempt_exhausted");
    let data: MessageAttemptExhausted = serde_json::from_value(report["data"].clone())?;
    assert_eq!(data.endpoint_id, down_id);
    assert_eq!((data.event_name.as_str(), data.attempts), ("CUSTOMER_CREATION", 2));
    assert_eq!(data.message_id, attempts[0].header("webhook-id"));
    assert_eq!(data.last_attempt.response_status_code, Some(500));

    // The failing watcher made both its attempts, and they are settled: nothing more was written.
    let stats = format!("/api/webhooks/{down_watcher_id}/stats");
    wait_for(DEADLINE, || async {
        let (_, stats) = app.send(Method::GET, &stats, &acme.token, None).await?;
        Ok(Some(()).filter(|()| stats["fail"] == 2))
    })
    .await?;
    assert_eq!(operational_rows(&app, exhausted).await?.len(), 1, "only the domain event's exhaustion");
    fit_the_catalog(&app, &acme).await?;
    assert_eq!(names(&receiver.requests("down")), ["CUSTOMER_CREATION", "CUSTOMER_CREATION"]);
    assert_eq!(names(&receiver.requests("watcher")), [exhausted]);
    Ok(())
}

#[tokio::test]
async fn an_endpoint_failing_too_long_is_reported_with_its_failing_streak() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("down", &[500]);
    let app = TestApp::spawn_delivering(|config| {
        config.webhooks_retry_schedule = vec![std::time::Duration::from_secs(2); 2];
        config.webhooks_disable_after = std::time::Duration::from_secs(1);
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let (down_id, _) = endpoint(&app, &acme, receiver.url("down"), &["CUSTOMER_CREATION"]).await?;
    let (_, watcher_secret) = endpoint(&app, &acme, receiver.url("watcher"), &["WEBHOOK_ENDPOINT_DISABLED"]).await?;
    create_customer(&app, &acme, "Umbrella").await?;
    let report = verified(&received(&receiver, "watcher", 1).await?[0], &watcher_secret)?;
    let data: EndpointDisabled = serde_json::from_value(report["data"].clone())?;
    assert_eq!((data.endpoint_id, data.reason), (down_id, DisableReason::Failing));
    let since = data.failing_since.ok_or_else(|| anyhow::anyhow!("no failingSince: {report}"))?;
    assert!(data.disabled_at - since >= chrono::TimeDelta::seconds(1), "{report}");
    assert_eq!(receiver.requests("down").len(), 2, "disabled at its second failure");
    Ok(())
}
