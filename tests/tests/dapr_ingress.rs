//! The Dapr ingress (`GET /dapr/subscribe`, `POST /events`) on the real stack with the built-in
//! engine and a real receiver: absent unless configured, open only to the sidecar's token, JSON only,
//! and an event id already delivered for one organization is never delivered, shown or resent for
//! another, on this path and on the queue's.

mod support;

use kaiten_test_support::{amqp_url, read_queue, wait_for};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::receiver::Receiver;
use support::{Tenant, TestApp};
use uuid::Uuid;

const TOKEN: &str = "sidecar-token-0123456789";
const DEADLINE: Duration = Duration::from_secs(30);

async fn spawn_with_ingress() -> anyhow::Result<TestApp> {
    TestApp::spawn_configured("api", None, |config| {
        config.webhooks_allow_private = true;
        config.dapr_api_token = Some(TOKEN.into());
    })
    .await
}

async fn endpoint(app: &TestApp, tenant: &Tenant, url: String) -> anyhow::Result<()> {
    let (status, created) = app.send(Method::POST, "/api/webhooks", &tenant.token, Some(json!({"url": url}))).await?;
    anyhow::ensure!(status == 201, "endpoint not created: {created}");
    Ok(())
}

/// What Dapr posts: the relay's CloudEvent of one outbox row.
fn envelope(id: Uuid, organization_id: Uuid, data: Value) -> Vec<u8> {
    let row = json!({"id": id, "event_name": "RELEASE_CREATION", "event_type": "com.kaiten.release.v1.created",
        "payload": data.to_string(), "organization_id": organization_id});
    let event = json!({"specversion": "1.0", "type": "io.debezium.connector.postgresql.DataChangeEvent",
        "source": "/debezium/postgresql/kaiten", "id": "x", "datacontenttype": "application/json",
        "data": {"schema": {}, "payload": {"before": null, "after": row}}});
    event.to_string().into_bytes()
}

/// Posts to `/events`; the HTTP status and the Dapr status (empty when the answer has none).
async fn post(app: &TestApp, token: Option<&str>, content_type: &str, body: Vec<u8>) -> anyhow::Result<(u16, String)> {
    let mut request = app.client.post(format!("{}/events", app.base_url)).header("content-type", content_type);
    if let Some(token) = token {
        request = request.header("dapr-api-token", token);
    }
    let response = request.body(body).send().await?;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or_default();
    Ok((status, answer["status"].as_str().unwrap_or_default().to_owned()))
}

async fn stored_messages(app: &TestApp) -> anyhow::Result<i64> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let mut conn = app.db.connect().await?;
    let row: Count = diesel::sql_query("SELECT count(*) AS count FROM webhook_messages").get_result(&mut conn).await?;
    Ok(row.count)
}

#[tokio::test]
async fn the_ingress_is_absent_unless_configured() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let subscribe = app.client.get(format!("{}/dapr/subscribe", app.base_url)).send().await?;
    assert_eq!(subscribe.status(), 404);
    let (status, _) = post(&app, Some(TOKEN), "application/json", b"{}".to_vec()).await?;
    assert_eq!(status, 404);
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    assert!(document["paths"].get("/events").is_none() && document["paths"].get("/dapr/subscribe").is_none());
    Ok(())
}

#[tokio::test]
async fn only_the_sidecar_token_opens_it_and_only_json_is_read() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = spawn_with_ingress().await?;
    let acme = app.tenant("Acme").await?;
    endpoint(&app, &acme, receiver.url("acme")).await?;
    let body = || envelope(Uuid::now_v7(), acme.id, json!({"version": "1.0.0"}));

    assert_eq!(post(&app, None, "application/cloudevents+json", body()).await?.0, 401);
    assert_eq!(post(&app, Some("sidecar-token-0123456780"), "application/cloudevents+json", body()).await?.0, 401);
    assert_eq!(post(&app, Some(&TOKEN[..10]), "application/cloudevents+json", body()).await?.0, 401);
    assert_eq!(post(&app, Some(TOKEN), "text/plain", body()).await?.0, 415);
    let subscribe = app.client.get(format!("{}/dapr/subscribe", app.base_url)).send().await?;
    assert_eq!(subscribe.status(), 401);
    assert_eq!(stored_messages(&app).await?, 0, "nothing refused was stored");
    assert!(receiver.requests("acme").is_empty(), "nothing refused was delivered");

    let subscriptions: Value = app
        .client
        .get(format!("{}/dapr/subscribe", app.base_url))
        .header("dapr-api-token", TOKEN)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        subscriptions,
        json!([{"pubsubname": "rabbitmq-pubsub", "topic": app.names.exchange, "route": "/events"}])
    );
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    for (method, path) in [("get", "/dapr/subscribe"), ("post", "/events")] {
        let operation = &document["paths"][path][method];
        assert_eq!(operation["security"][0]["daprApiToken"], json!([]), "{method} {path}");
        assert!(operation["responses"]["401"].is_object(), "{method} {path}");
    }
    assert_eq!(document["components"]["securitySchemes"]["daprApiToken"]["name"], "dapr-api-token");
    assert_eq!(post(&app, Some(TOKEN), "application/json", body()).await?, (200, "SUCCESS".to_owned()));
    let delivered = wait_for(DEADLINE, || async { Ok(receiver.requests("acme").first().cloned()) }).await?;
    assert_eq!(delivered.json()["data"], json!({"version": "1.0.0"}));
    assert_eq!(post(&app, Some(TOKEN), "application/json", b"garbage".to_vec()).await?, (200, "DROP".to_owned()));
    let unknown = envelope(Uuid::now_v7(), Uuid::now_v7(), json!({}));
    assert_eq!(post(&app, Some(TOKEN), "application/json", unknown).await?, (200, "DROP".to_owned()));
    Ok(())
}

#[tokio::test]
async fn an_event_id_of_one_organization_is_never_delivered_shown_or_resent_for_another() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = spawn_with_ingress().await?;
    let (acme, globex) = (app.tenant("Acme").await?, app.tenant("Globex").await?);
    endpoint(&app, &acme, receiver.url("acme")).await?;
    endpoint(&app, &globex, receiver.url("globex")).await?;
    let id = Uuid::now_v7();
    let acme_data = json!({"version": "acme-private-1.0"});
    assert_eq!(
        post(&app, Some(TOKEN), "application/json", envelope(id, acme.id, acme_data.clone())).await?.1,
        "SUCCESS"
    );
    wait_for(DEADLINE, || async { Ok(receiver.requests("acme").first().cloned()) }).await?;

    // The same id for Globex: dropped (the dispatch is done when the answer comes), nothing sent to it.
    let forged = envelope(id, globex.id, json!({"version": "forged"}));
    assert_eq!(post(&app, Some(TOKEN), "application/json", forged).await?, (200, "DROP".to_owned()));
    assert!(receiver.requests("globex").is_empty(), "Globex's endpoint got nothing");
    let path = format!("/api/webhooks/messages/{id}");
    assert_eq!(app.send(Method::GET, &path, &globex.token, None).await?.0, 404);
    let resent = app.send(Method::POST, &format!("{path}/resend"), &globex.token, Some(json!({}))).await?;
    assert_eq!(resent.0, 404);
    let (status, shown) = app.send(Method::GET, &path, &acme.token, None).await?;
    assert_eq!((status, &shown["payload"]["data"]), (200, &acme_data));

    // Globex's own events still reach it, and Acme's body never did.
    assert_eq!(
        post(&app, Some(TOKEN), "application/json", envelope(Uuid::now_v7(), globex.id, json!({}))).await?.1,
        "SUCCESS"
    );
    let globex_got = wait_for(DEADLINE, || async { Ok(receiver.requests("globex").first().cloned()) }).await?;
    assert!(!String::from_utf8_lossy(&globex_got.body).contains("acme-private"));
    assert_eq!(receiver.requests("globex").len(), 1);
    assert_eq!(receiver.requests("acme").len(), 1);
    Ok(())
}

#[tokio::test]
async fn on_the_queue_a_reused_event_id_is_dead_lettered_with_the_reason() -> anyhow::Result<()> {
    use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let (acme, globex) = (app.tenant("Acme").await?, app.tenant("Globex").await?);
    endpoint(&app, &acme, receiver.url("acme")).await?;
    endpoint(&app, &globex, receiver.url("globex")).await?;
    let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Secret Co"}))).await?;
    assert_eq!(status, 201);
    wait_for(DEADLINE, || async { Ok(receiver.requests("acme").first().cloned()) }).await?;
    let acme_event = app.outbox().await?.into_iter().next().ok_or_else(|| anyhow::anyhow!("no outbox row"))?;

    let connection = lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel.confirm_select(ConfirmSelectOptions::default()).await?;
    let forged = envelope(acme_event.id, globex.id, json!({"version": "forged"}));
    let properties = lapin::BasicProperties::default().with_delivery_mode(2);
    let exchange = app.names.exchange.clone();
    channel
        .basic_publish(exchange.as_str().into(), "".into(), BasicPublishOptions::default(), &forged, properties)
        .await?
        .await?;
    let _ = connection.close(200, "OK".into()).await;

    let dead = read_queue(&format!("{}.dlq", app.names.exchange), DEADLINE, |got| !got.is_empty()).await?;
    let reason = dead[0].headers.get("x-kaiten-dead-letter-reason").cloned().unwrap_or_default();
    assert!(reason.contains("another organization"), "{reason}");
    assert!(receiver.requests("globex").is_empty(), "Globex's endpoint got nothing");
    assert_eq!(receiver.requests("acme").len(), 1, "and Acme's event was not sent again");
    Ok(())
}
