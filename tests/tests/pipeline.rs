//! End to end in one process: REST API → outbox → WAL → relay → RabbitMQ → worker → WebhookSender.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use support::TestApp;
use support::worker::RecordingSender;

#[tokio::test]
async fn a_customer_created_through_the_api_reaches_the_sender() -> anyhow::Result<()> {
    let sender = Arc::new(RecordingSender::default());
    let app = TestApp::spawn_pipeline(sender.clone()).await?;
    let acme = app.tenant("Acme").await?;
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = app
        .request(Method::POST, "/api/customers", &acme.token)
        .header("traceparent", traceparent)
        .json(&json!({"name": "Globex"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let customer: serde_json::Value = response.json().await?;
    let (status, updated) =
        app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({"name": "Globex Inc"}))).await?;
    assert_eq!(status, 200);

    let calls =
        wait_for(Duration::from_secs(60), || async { Ok(Some(sender.calls()).filter(|c| c.len() >= 2)) }).await?;
    let outbox = app.outbox().await?;
    // The worker handles messages concurrently: find each event by its kind.
    let of_kind = |name: &str| calls.iter().map(|(_, e)| e).find(|e| e.kind.name() == name).cloned();
    let created = of_kind("CUSTOMER_CREATION").ok_or_else(|| anyhow::anyhow!("no creation"))?;
    let update = of_kind("CUSTOMER_UPDATE").ok_or_else(|| anyhow::anyhow!("no update"))?;
    assert_eq!(created.organization_id, acme.id);
    assert_eq!(created.kind.name(), "CUSTOMER_CREATION");
    assert_eq!(created.kind.event_type(), "com.kaiten.customer.v1.created");
    assert_eq!(created.data, customer);
    assert_eq!(created.id, outbox[0].id, "the outbox id travels as the idempotency key");
    let trace_id = |traceparent: Option<&str>| traceparent.and_then(|t| t.split('-').nth(1)).map(str::to_owned);
    let request_trace = trace_id(Some(traceparent));
    assert_eq!(
        trace_id(created.traceparent.as_deref()),
        request_trace,
        "the request's trace context reaches the sender"
    );
    assert_eq!(sender.trace_id_of(created.id), request_trace, "the worker continues the request's trace");
    assert_eq!(update.data, updated);
    let update_trace = trace_id(outbox[1].traceparent.as_deref());
    assert!(update_trace.is_some() && update_trace != request_trace, "the update started its own trace");
    assert_eq!(sender.trace_id_of(update.id), update_trace, "and the worker continues it");
    assert_eq!(calls.len(), 2);
    Ok(())
}

#[tokio::test]
async fn the_dapr_ingress_dispatches_through_the_same_use_case() -> anyhow::Result<()> {
    let sender = Arc::new(RecordingSender::default());
    let app = TestApp::spawn_configured("api", Some(sender.clone()), |config| {
        config.dapr_api_token = Some("sidecar-token-0123456789".into());
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let subscriptions: serde_json::Value = app
        .client
        .get(format!("{}/dapr/subscribe", app.base_url))
        .header("dapr-api-token", "sidecar-token-0123456789")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        subscriptions,
        json!([{"pubsubname": "rabbitmq-pubsub", "topic": app.names.exchange, "route": "/events"}])
    );

    let id = uuid::Uuid::now_v7();
    let event = json!({"specversion": "1.0", "type": "io.debezium.connector.postgresql.DataChangeEvent", "source": "/debezium/postgresql/kaiten",
        "id": "x", "datacontenttype": "application/json",
        "data": {"schema": {}, "payload": {"before": null, "after": {"id": id, "event_name": "RELEASE_CREATION",
            "event_type": "com.kaiten.release.v1.created", "payload": "{\"version\": \"1.0.0\"}", "organization_id": acme.id}}}});
    let post = |body: Vec<u8>| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(format!("{}/events", app.base_url))
                .header("content-type", "application/cloudevents+json")
                .header("dapr-api-token", "sidecar-token-0123456789")
                .body(body)
                .send()
                .await?;
            anyhow::ensure!(response.status() == 200, "Dapr always gets 200, got {}", response.status());
            Ok::<_, anyhow::Error>(
                response.json::<serde_json::Value>().await?["status"].as_str().unwrap_or_default().to_owned(),
            )
        }
    };
    assert_eq!(post(serde_json::to_vec(&event)?).await?, "SUCCESS");
    let calls = sender.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].1.id, id);
    assert_eq!(calls[0].1.data, json!({"version": "1.0.0"}));

    assert_eq!(post(b"garbage".to_vec()).await?, "DROP");
    sender.fail(
        id,
        [kaiten_application::ports::webhooks::SendError::Transient { reason: "503".into(), retry_after: None }],
    );
    assert_eq!(post(serde_json::to_vec(&event)?).await?, "RETRY");
    Ok(())
}
