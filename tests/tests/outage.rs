//! A database outage longer than the whole retry budget loses nothing: a worker whose PostgreSQL is
//! gone (cut behind a proxy) keeps the events it is handed, waiting for the database however long it
//! takes instead of spending their retries, says so in its readiness, and delivers every one once the
//! database is back; nothing reaches the dead-letter queue.

mod support;

use kaiten_test_support::{read_queue, wait_for};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use support::TestApp;
use support::proxy::Proxy;
use support::receiver::Receiver;

#[tokio::test]
async fn a_database_outage_longer_than_the_retry_budget_dead_letters_nothing() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    // The API and the relay on the database; the worker reaches the same database through a proxy.
    let app = TestApp::spawn_configured("api,relay", None, |config| config.webhooks_allow_private = true).await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) =
        app.send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": receiver.url("hook")}))).await?;
    assert_eq!(status, 201);
    let server = app.db.url.trim_start_matches("postgres://postgres@").split('/').next().unwrap_or_default().to_owned();
    let proxy = Proxy::start(server).await?;
    let budget = vec![Duration::from_millis(50); 2];
    let worker_config = kaiten::Config {
        database_url: format!("postgres://postgres@{}/{}", proxy.address, app.db.name),
        database_max_connections: 4,
        database_pool_timeout: Duration::from_millis(500),
        roles: [kaiten::config::Role::Worker].into(),
        slot: app.names.slot.clone(),
        exchange: app.names.exchange.clone(),
        queue: app.names.queue.clone(),
        worker_retry_delays: budget,
        webhooks_allow_private: true,
        webhooks_retry_schedule: kaiten_test_support::TEST_RETRY_SCHEDULE.into(),
        ..kaiten::Config::default()
    };
    let worker = kaiten::app::build(worker_config).await?;
    let consumer = worker.consumer.clone().ok_or_else(|| anyhow::anyhow!("no worker"))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(worker.run(kaiten::app::Listeners::default(), async move {
        let _ = stopped.await;
    }));

    // One event delivered first, so that the worker's pool holds connections the outage breaks.
    let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Before"}))).await?;
    assert_eq!(status, 201);
    wait_for(Duration::from_secs(30), || async { Ok(receiver.requests("hook").first().cloned()) }).await?;
    // The receiver has it before the worker has stored the outcome: cut only once it is acknowledged
    // (stored), or the outage would cut that write and leave the delivery claimed.
    wait_for(Duration::from_secs(30), || async {
        Ok((consumer.stats().consumed.load(std::sync::atomic::Ordering::Relaxed) >= 1).then_some(()))
    })
    .await?;

    proxy.cut();
    for name in ["Globex", "Initech", "Umbrella", "Hooli", "Stark"] {
        let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": name}))).await?;
        assert_eq!(status, 201);
    }
    let waiting = wait_for(Duration::from_secs(30), || async { Ok(consumer.stats().waiting_for()) }).await?;
    assert!(waiting.starts_with("database"), "{waiting}");
    // A deliberate outage, many times longer than the 100 ms the retries would have lasted.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.requests("hook").len(), 1);
    proxy.restore();

    let delivered = wait_for(Duration::from_secs(60), || async {
        let requests = receiver.requests("hook");
        Ok((requests.len() >= 6).then_some(requests))
    })
    .await?;
    let mut ids: Vec<String> = delivered.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "every event was delivered, once");
    wait_for(Duration::from_secs(30), || async { Ok(consumer.stats().waiting_for().is_none().then_some(())) }).await?;
    let dead = read_queue(&format!("{}.dlq", app.names.exchange), Duration::from_millis(300), |_| false).await;
    assert!(dead.is_err_and(|e| e.to_string().contains("only 0 messages")), "nothing was dead-lettered");
    let _ = stop.send(());
    Ok(())
}
