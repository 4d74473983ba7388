//! One attempt chain per (message, endpoint), whatever is re-dispatched: the same event handed over
//! again and again (relay duplicates, a replay) while its endpoint fails leads to one success and one
//! history; any reply is stored; an endpoint deleted while its request is in flight touches no other.

mod support;

use kaiten_test_support::{amqp_url, wait_for};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::receiver::Receiver;
use support::{Tenant, TestApp};

const DEADLINE: Duration = Duration::from_secs(30);

async fn endpoint(app: &TestApp, tenant: &Tenant, url: String) -> anyhow::Result<String> {
    let (status, created) = app.send(Method::POST, "/api/webhooks", &tenant.token, Some(json!({"url": url}))).await?;
    anyhow::ensure!(status == 201, "endpoint not created: {created}");
    Ok(created["id"].as_str().unwrap_or_default().to_owned())
}

/// The relay's message for one outbox row, published as the relay would (a duplicate after a
/// reconnect, say).
async fn publish_again(app: &TestApp, row: &support::OutboxRow) -> anyhow::Result<()> {
    use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
    let after = json!({"id": row.id, "event_name": row.event_name, "event_type": row.event_type,
        "data": row.data.to_string(), "organization_id": row.organization_id});
    let envelope = json!({"specversion": "1.0", "type": "io.debezium.connector.postgresql.DataChangeEvent",
        "source": "/debezium/postgresql/kaiten", "id": "duplicate", "datacontenttype": "application/json",
        "data": {"schema": {}, "payload": {"before": null, "after": after}}});
    let connection = lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel.confirm_select(ConfirmSelectOptions::default()).await?;
    let properties = lapin::BasicProperties::default().with_delivery_mode(2).with_message_id(row.id.to_string().into());
    let exchange = app.names.exchange.as_str();
    let body = serde_json::to_vec(&envelope)?;
    channel.basic_publish(exchange.into(), "".into(), BasicPublishOptions::default(), &body, properties).await?.await?;
    let _ = connection.close(200, "OK".into()).await;
    Ok(())
}

async fn history(app: &TestApp, tenant: &Tenant, endpoint: &str) -> anyhow::Result<Value> {
    let path = format!("/api/webhooks/history?endpointId={endpoint}&limit=200");
    Ok(app.send(Method::GET, &path, &tenant.token, None).await?.1)
}

#[tokio::test]
async fn an_event_handed_over_again_and_again_while_its_endpoint_fails_is_delivered_once() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("flaky", &[500, 500, 500, 200]);
    let app = TestApp::spawn_delivering(|config| {
        config.webhooks_retry_schedule = vec![std::time::Duration::from_millis(700); 4]
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let id = endpoint(&app, &acme, receiver.url("flaky")).await?;
    let since = chrono::Utc::now() - chrono::TimeDelta::seconds(5);
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    wait_for(DEADLINE, || async { Ok(receiver.requests("flaky").first().cloned()) }).await?;

    // While it fails: five duplicates of the event, and a replay of the outbox.
    let row = app.outbox().await?.into_iter().next().ok_or_else(|| anyhow::anyhow!("no event"))?;
    for _ in 0..5 {
        publish_again(&app, &row).await?;
    }
    let config = kaiten::Config {
        database_url: app.db.url.clone(),
        exchange: app.names.exchange.clone(),
        queue: app.names.queue.clone(),
        ..kaiten::Config::default()
    };
    kaiten::replay::run(&config, &since.to_rfc3339(), None, None).await?;

    let succeeded = wait_for(DEADLINE, || async {
        let requests = receiver.requests("flaky");
        Ok(requests.iter().any(|request| request.status == 200).then_some(requests))
    })
    .await?;
    let recorded = wait_for(DEADLINE, || async {
        let page = history(&app, &acme, &id).await?;
        Ok((page["items"].as_array().is_some_and(|items| items.iter().any(|a| a["status"] == "success")))
            .then_some(page))
    })
    .await?;
    let webhook_id = succeeded[0].header("webhook-id");
    assert!(succeeded.iter().all(|request| request.header("webhook-id") == webhook_id));
    let statuses: Vec<u16> = receiver.requests("flaky").iter().map(|request| request.status).collect();
    assert_eq!(statuses, [500, 500, 500, 200], "one chain: three failures, then one success");
    let attempts: Vec<(Value, Value)> = recorded["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| (a["status"].clone(), a["responseStatusCode"].clone()))
        .collect();
    assert_eq!(attempts.len(), 4, "one chain in the history: {attempts:?}");
    Ok(())
}

#[tokio::test]
async fn a_binary_reply_is_stored_and_shown_and_the_other_endpoint_is_not_affected() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.answer_with("binary", &[0x00, 0xff]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let binary = endpoint(&app, &acme, receiver.url("binary")).await?;
    let healthy = endpoint(&app, &acme, receiver.url("healthy")).await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    let event = wait_for(DEADLINE, || async {
        let page = history(&app, &acme, &binary).await?;
        let healthy = history(&app, &acme, &healthy).await?;
        let event = &page["items"][0]["eventId"];
        Ok((event.is_string() && healthy["items"][0].is_object()).then(|| event.clone()))
    })
    .await?;
    let (status, message) = app
        .send(Method::GET, &format!("/api/webhooks/messages/{}", event.as_str().unwrap_or_default()), &acme.token, None)
        .await?;
    assert_eq!(status, 200, "{event} {message}");
    let shown = message["attempts"].as_array().into_iter().flatten().find(|a| a["endpointId"] == binary.as_str());
    let shown = shown.ok_or_else(|| anyhow::anyhow!("no attempt of the binary endpoint: {message}"))?;
    assert_eq!((&shown["responseBody"], &shown["responseBodyEncoding"]), (&json!("AP8="), &json!("base64")));
    assert_eq!((&shown["status"], &shown["responseStatusCode"]), (&json!("success"), &json!(200)));
    assert_eq!(receiver.requests("healthy").len(), 1, "the healthy endpoint got the event once");
    assert_eq!(receiver.requests("binary").len(), 1, "and so did the binary one: its reply was recorded");
    Ok(())
}

#[tokio::test]
async fn an_endpoint_deleted_while_its_request_is_in_flight_ends_its_own_chain_only() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.hold("doomed");
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let doomed = endpoint(&app, &acme, receiver.url("doomed")).await?;
    let healthy = endpoint(&app, &acme, receiver.url("healthy")).await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    wait_for(DEADLINE, || async { Ok((receiver.waiting("doomed") == 1).then_some(())) }).await?;
    let (status, _) = app.send(Method::DELETE, &format!("/api/webhooks/{doomed}"), &acme.token, None).await?;
    assert_eq!(status, 204);
    receiver.release("doomed");
    wait_for(DEADLINE, || async { Ok((history(&app, &acme, &healthy).await?["total"] == 1).then_some(())) }).await?;
    wait_for(DEADLINE, || async { Ok((receiver.requests("doomed").len() == 1).then_some(())) }).await?;
    assert_eq!(receiver.requests("healthy").len(), 1, "the other endpoint got the event once, not again");
    let (_, all) = app.send(Method::GET, "/api/webhooks/history", &acme.token, None).await?;
    assert_eq!(all["total"], 1, "the deleted endpoint's attempt went with it");
    Ok(())
}
