//! Liveness and readiness.

mod support;

use kaiten_test_support::wait_for;
use std::sync::Arc;
use std::time::Duration;
use support::TestApp;
use support::worker::RecordingSender;

async fn readyz(app: &TestApp) -> anyhow::Result<(u16, serde_json::Value)> {
    let response = app.client.get(format!("{}/api/readyz", app.base_url)).send().await?;
    Ok((response.status().as_u16(), response.json().await?))
}

#[tokio::test]
async fn the_api_is_ready_with_its_database_and_broker() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let health: serde_json::Value =
        app.client.get(format!("{}/api/healthz", app.base_url)).send().await?.json().await?;
    assert_eq!(health["status"], "ok");
    let (status, body) = readyz(&app).await?;
    let checks = serde_json::json!({"broker": "ok", "database": "ok", "tasks": "ok"});
    assert_eq!((status, &body["checks"]), (200, &checks));
    Ok(())
}

#[tokio::test]
async fn a_relaying_process_is_ready_once_it_holds_its_slot_and_names_what_fails() -> anyhow::Result<()> {
    let app = TestApp::spawn_pipeline(Arc::new(RecordingSender::default())).await?;
    let body = wait_for(Duration::from_secs(30), || async {
        let (status, body) = readyz(&app).await?;
        Ok((status == 200).then_some(body))
    })
    .await?;
    assert_eq!(body["checks"]["relay"], "ok");
    // Make the database unreachable for this app: its own database disappears.
    kaiten_test_support::TestDatabase::drop_now(&app.db).await?;
    let (status, problem) = wait_for(Duration::from_secs(30), || async {
        let (status, body) = readyz(&app).await?;
        Ok((status == 503).then_some((status, body)))
    })
    .await?;
    assert_eq!(status, 503);
    assert_eq!(problem["code"], "not_ready");
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("database")), "{problem}");
    Ok(())
}

#[tokio::test]
async fn metrics_cover_requests_the_outbox_the_relay_the_queue_and_the_pool() -> anyhow::Result<()> {
    let app = TestApp::spawn_pipeline(Arc::new(RecordingSender::default())).await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) = app
        .send(reqwest::Method::POST, "/api/customers", &acme.token, Some(serde_json::json!({"name": "Globex"})))
        .await?;
    assert_eq!(status, 201);
    let text = wait_for(Duration::from_secs(30), || async {
        let text = app.client.get(format!("{}/metrics", app.base_url)).send().await?.text().await?;
        Ok((text.contains("kaiten_relay_published_total 1") && text.contains("kaiten_queue_consumed_total 1"))
            .then_some(text))
    })
    .await?;
    for expected in [
        r#"http_requests_total{method="POST",route="/api/customers",status="201"} 1"#,
        "http_request_duration_seconds",
        r#"kaiten_outbox_appends_total{event="CUSTOMER_CREATION"} 1"#,
        "kaiten_relay_lag_bytes",
        "kaiten_relay_streaming 1",
        "kaiten_relay_holding_back 0",
        "kaiten_queue_dead_lettered_total 0",
        "kaiten_db_pool_max_size 8",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
    Ok(())
}

#[tokio::test]
async fn a_process_without_the_api_serves_only_health_readiness_and_metrics() -> anyhow::Result<()> {
    let app = TestApp::spawn_with("relay", None).await?;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base_url)).send();
    assert_eq!(get("/api/healthz").await?.status(), 200);
    let metrics = wait_for(Duration::from_secs(30), || async {
        let text = get("/metrics").await?.text().await?;
        Ok(Some(text).filter(|text| text.contains("kaiten_relay_streaming 1")))
    })
    .await?;
    assert!(metrics.contains("kaiten_relay_lag_bytes"));
    assert_eq!(get("/api/customers").await?.status(), 404, "no REST API in a relay-only process");
    assert_eq!(get("/api/openapi.json").await?.status(), 404);
    Ok(())
}

#[tokio::test]
async fn metrics_can_be_kept_off_the_api_port_and_served_on_the_operations_port_only() -> anyhow::Result<()> {
    let app = TestApp::spawn_configured("api", None, |config| {
        config.metrics_public = false;
        config.ops_port = Some(0);
    })
    .await?;
    let ops = app.ops_base_url.clone().ok_or_else(|| anyhow::anyhow!("no operations port"))?;
    let get = |url: String| {
        let client = app.client.clone();
        async move { Ok::<_, anyhow::Error>(client.get(url).send().await?.status().as_u16()) }
    };
    assert_eq!(get(format!("{}/metrics", app.base_url)).await?, 404, "not on the public port");
    assert_eq!(get(format!("{ops}/metrics")).await?, 200);
    assert_eq!(get(format!("{ops}/api/readyz")).await?, 200);
    assert_eq!(get(format!("{ops}/api/customers")).await?, 404, "the operations port serves no API route");
    let public = TestApp::spawn().await?;
    assert_eq!(get(format!("{}/metrics", public.base_url)).await?, 200, "public by default");
    Ok(())
}

/// A sender with a bug: it panics.
struct PanickingSender;

#[async_trait::async_trait]
impl kaiten_application::ports::webhooks::WebhookSender for PanickingSender {
    async fn send(
        &self,
        _: &kaiten_application::ports::webhooks::WebhookEvent,
    ) -> Result<(), kaiten_application::ports::webhooks::SendError> {
        panic!("a bug in the sender")
    }

    async fn ensure_organization(
        &self,
        _: &kaiten_domain::organization::Organization,
    ) -> Result<(), kaiten_application::ports::webhooks::SendError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_long_lived_task_that_dies_turns_readiness_503_naming_it_and_stops_the_process() -> anyhow::Result<()> {
    use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames};
    kaiten::telemetry::init_for_tests();
    let (db, names) = (TestDatabase::new(), TestNames::new());
    let _broker = BrokerCleanup::for_names(&names);
    let config = kaiten::Config {
        port: 0,
        database_url: db.url.clone(),
        slot: names.slot.clone(),
        exchange: names.exchange.clone(),
        queue: names.queue.clone(),
        ..kaiten::Config::default()
    };
    let app = kaiten::app::build_with_sender(config, Some(Arc::new(PanickingSender))).await?;
    let listener = app.bind().await?;
    let base = format!("http://{}", listener.local_addr()?);
    let created = app.use_cases.create_organization.execute("Acme").await?;
    let listeners = kaiten::app::Listeners { api: Some(listener), ops: None };
    let running = tokio::spawn(app.run(listeners, std::future::pending()));
    let client = reqwest::Client::new();
    let response = client.post(format!("{base}/api/customers")).bearer_auth(&created.token);
    assert_eq!(response.json(&serde_json::json!({"name": "Globex"})).send().await?.status(), 201);

    // Readiness names the task (the relay may also still be starting: that is named too).
    wait_for(Duration::from_secs(30), || async {
        let response = client.get(format!("{base}/api/readyz")).send().await?;
        let status = response.status();
        let problem: serde_json::Value = response.json().await?;
        let detail = problem["detail"].as_str().unwrap_or_default();
        Ok((status == 503 && detail.contains("tasks: worker ended: it panicked")).then_some(()))
    })
    .await?;
    let ended = tokio::time::timeout(Duration::from_secs(30), running).await??;
    let error = ended.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("worker ended: it panicked"), "the process stops with the error: {error}");
    Ok(())
}
