//! The built-in delivery engine: deliveries per second to a fast local receiver with 10 endpoints
//! (the engine driven directly, as the worker drives it), and end to end — commit → receiver — with
//! `kaiten serve` as a child process, whose peak RSS is read from /proc.

use crate::latency::percentile;
use crate::receiver::{self, Arrivals};
use crate::setup::Bench;
use futures::StreamExt;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_application::ports::webhooks::{WebhookEvent, WebhookSender};
use kaiten_delivery::{BuiltinWebhookManagement, DeliveryEngine, DeliverySettings};
use kaiten_domain::EventKind;
use kaiten_domain::webhook::EndpointDraft;
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_postgres::PgWebhookStore;
use kaiten_rabbitmq::{LapinDeliveryScheduler, Topology};
use kaiten_webhook_http::{HttpWebhookTransport, TransportTimeouts};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub async fn throughput(events: usize, endpoints: usize, concurrency: usize) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let client = bench.client().await?;
    let organization = Uuid::now_v7();
    client
        .execute("INSERT INTO organizations (id, name, slug) VALUES ($1, 'Bench', 'bench')", &[&organization])
        .await?;
    let arrivals = Arc::new(Arrivals::default());
    let base = receiver::start(arrivals.clone()).await?;
    let store = Arc::new(PgWebhookStore::new(bench.pool.clone()));
    let topology = Topology::new(&bench.names.exchange, &bench.names.queue).deliveries();
    let scheduler = Arc::new(LapinDeliveryScheduler::new(kaiten_test_support::amqp_url(), topology));
    let management = BuiltinWebhookManagement::new(store.clone(), scheduler.clone());
    for index in 0..endpoints {
        let draft = EndpointDraft {
            url: format!("{base}/e{index}"),
            events: vec![],
            description: String::new(),
            disabled: false,
            scope: Default::default(),
            headers: vec![],
            rate_limit: None,
        };
        management.create_endpoint(organization, draft, usize::MAX).await?;
    }
    let transport = Arc::new(HttpWebhookTransport::new(UrlPolicy::new(true), TransportTimeouts::default())?);
    let engine = Arc::new(DeliveryEngine::new(store, transport, scheduler, DeliverySettings::default()));
    let event = |_| WebhookEvent {
        id: Uuid::now_v7(),
        organization_id: organization,
        kind: EventKind::CustomerCreation,
        data: serde_json::json!({"id": Uuid::now_v7(), "name": "Acme Corporation", "slug": "acme-corporation",
            "externalCustomerId": "crm-000042", "organizationId": organization}),
        traceparent: None,
        naming: kaiten_domain::EventNaming::Classic,
        timestamp: kaiten_domain::clock::now(),
        previous_attributes: None,
        customer: None,
    };
    let started = Instant::now();
    let failures = futures::stream::iter((0..events).map(event))
        .map(|event| {
            let engine = engine.clone();
            async move { engine.send(&event).await.is_err() }
        })
        .buffer_unordered(concurrency)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    let elapsed = started.elapsed();
    let delivered = arrivals.count.load(Ordering::Relaxed);
    println!(
        "engine: {events} events × {endpoints} endpoints = {delivered} deliveries in {:.2} s: {:.0} deliveries/s \
         ({failures} sends failed, concurrency {concurrency})",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64(),
    );
    Ok(())
}

pub async fn end_to_end(kaiten: &str, rate: u64, seconds: u64) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let client = bench.client().await?;
    let arrivals = Arc::new(Arrivals::default());
    let base = receiver::start(arrivals.clone()).await?;
    let organization = Uuid::now_v7();
    client
        .execute("INSERT INTO organizations (id, name, slug) VALUES ($1, 'Bench', 'bench')", &[&organization])
        .await?;
    client
        .execute(
            "INSERT INTO webhook_endpoints (id, organization_id, url, secret) \
             VALUES (gen_random_uuid(), $1, $2, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')",
            &[&organization, &format!("{base}/hook")],
        )
        .await?;
    let serve = crate::kaiten::Serve::start(kaiten, &bench, &[]).await?;
    let insert = client
        .prepare(
            "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id) \
             VALUES ($1, 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', \
             jsonb_build_object('benchId', $1::uuid, 'name', 'Acme Corporation', 'slug', 'acme-corporation', \
             'organizationId', $2::uuid, 'createdAt', now(), 'updatedAt', now()), $2)",
        )
        .await?;
    // Warm up: events through the whole pipeline until one arrives (the slot exists only once
    // `kaiten serve` has started its relay; earlier rows are not streamed).
    let ready_by = Instant::now() + Duration::from_secs(120);
    while arrivals.count.load(Ordering::Relaxed) == 0 {
        anyhow::ensure!(Instant::now() < ready_by, "no warm-up event arrived");
        client.execute(&insert, &[&Uuid::now_v7(), &organization]).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let warmed_up = arrivals.count.load(Ordering::Relaxed);
    let mut sent: Vec<(Uuid, Instant)> = Vec::new();
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    let started = Instant::now();
    for _ in 0..rate * seconds {
        ticks.tick().await;
        let id = Uuid::now_v7();
        client.execute(&insert, &[&id, &organization]).await?;
        sent.push((id, Instant::now()));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrivals.count.load(Ordering::Relaxed) < sent.len() as u64 + warmed_up && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let peak = serve.peak_rss_mib();
    let at = arrivals.at.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, committed)| at.get(id).map(|r| r.saturating_duration_since(*committed))).collect();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "end to end (kaiten serve) at {rate}/s for {seconds} s: {} of {} delivered ({:.0}/s); commit → receiver \
         p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; peak RSS of kaiten serve {} MiB",
        latencies.len(),
        sent.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 95.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
        peak.map_or("unknown".into(), |mib| format!("{mib:.1}")),
    );
    serve.stop().await?;
    Ok(())
}
