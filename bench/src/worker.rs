//! Worker benchmarks: drain rate of a pre-filled queue into a no-op sender versus a bare lapin consumer
//! on the same queue, and commit → `WebhookSender::send` latency through the relay at a fixed rate.

use crate::latency::percentile;
use crate::setup::{Bench, PAYLOAD_SQL, RELAY_MESSAGE_FILE};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use kaiten_application::ports::webhooks::{SendError, WebhookEvent, WebhookSender};
use kaiten_application::use_cases::dispatch_event::DispatchEvent;
use kaiten_application::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::organization::Organization;
use kaiten_rabbitmq::{LapinConsumer, Topology};
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Accepts everything, remembering when each event arrived.
#[derive(Default)]
struct TimingSender {
    arrived: Mutex<HashMap<Uuid, Instant>>,
}

#[async_trait]
impl WebhookSender for TimingSender {
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError> {
        if let Ok(mut arrived) = self.arrived.lock() {
            arrived.insert(event.id, Instant::now());
        }
        Ok(())
    }

    async fn ensure_organization(&self, _: &Organization) -> Result<(), SendError> {
        Ok(())
    }
}

async fn organization(bench: &Bench) -> anyhow::Result<(kaiten_postgres::PgPool, Organization)> {
    let pool = bench.pool.clone();
    let organization = Organization::create("Bench", kaiten_domain::clock::now())?;
    let uow: Box<dyn UnitOfWork> = Box::new(kaiten_postgres::PgUnitOfWork::new(pool.clone()));
    let stored = organization.clone();
    uow.run(|repos| async move { repos.organizations.insert(&stored).await }).await?;
    Ok((pool, organization))
}

/// The relay's message for one outbox row (the golden file's shape).
fn relay_message(template: &serde_json::Value, id: Uuid, organization: Uuid) -> Vec<u8> {
    let mut message = template.clone();
    message["data"]["payload"]["after"]["id"] = serde_json::json!(id);
    message["data"]["payload"]["after"]["organization_id"] = serde_json::json!(organization);
    serde_json::to_vec(&message).unwrap_or_default()
}

async fn fill(channel: &Channel, exchange: &str, bodies: &[Vec<u8>]) -> anyhow::Result<()> {
    let mut pending = FuturesUnordered::new();
    for body in bodies {
        if pending.len() >= 4096
            && let Some(confirmed) = pending.next().await
        {
            confirmed?;
        }
        let properties = BasicProperties::default().with_delivery_mode(2);
        pending.push(
            channel.basic_publish(exchange.into(), "".into(), BasicPublishOptions::default(), body, properties).await?,
        );
    }
    while let Some(confirmed) = pending.next().await {
        confirmed?;
    }
    Ok(())
}

pub async fn drain(messages: usize, prefetch: u16) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let (pool, organization) = organization(&bench).await?;
    let topology = Topology::new(&bench.names.exchange, &bench.names.queue);
    kaiten_application::ports::event_bus::EventBus::ensure_topology(bench.bus.as_ref()).await?;
    let template: serde_json::Value = serde_json::from_slice(&std::fs::read(RELAY_MESSAGE_FILE)?)?;
    let bodies: Vec<Vec<u8>> =
        (0..messages).map(|_| relay_message(&template, Uuid::now_v7(), organization.id)).collect();
    let connection = Connection::connect(&kaiten_test_support::amqp_url(), ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel.confirm_select(ConfirmSelectOptions::default()).await?;

    fill(&channel, &bench.names.exchange, &bodies).await?;
    let consumer_channel = connection.create_channel().await?;
    consumer_channel.basic_qos(prefetch, BasicQosOptions::default()).await?;
    let mut consumer = consumer_channel
        .basic_consume(
            bench.names.queue.as_str().into(),
            "bare".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let started = Instant::now();
    let mut acked = 0;
    while acked < messages {
        let Some(delivery) = consumer.next().await else { anyhow::bail!("the bare consumer stopped") };
        delivery?.ack(BasicAckOptions::default()).await?;
        acked += 1;
    }
    let bare_seconds = started.elapsed().as_secs_f64();
    drop(consumer);
    consumer_channel.close(200, "OK".into()).await?;
    let bare_rate = messages as f64 / bare_seconds;
    println!("bare lapin consumer (manual ack, prefetch {prefetch}): {bare_rate:.0} msg/s ({bare_seconds:.2} s)");

    fill(&channel, &bench.names.exchange, &bodies).await?;
    let sender = Arc::new(TimingSender::default());
    let dispatch = Arc::new(DispatchEvent::new(kaiten_postgres::pooled_repositories(pool), sender.clone()));
    let worker = LapinConsumer::new(kaiten_test_support::amqp_url(), topology, prefetch);
    let stats = worker.stats();
    let stop = CancellationToken::new();
    let started = Instant::now();
    let task = tokio::spawn({
        let stop = stop.clone();
        async move { worker.run(dispatch, stop).await }
    });
    while stats.consumed.load(Ordering::Relaxed) < messages as u64 {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(600), "the worker did not drain the queue");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let worker_seconds = started.elapsed().as_secs_f64();
    stop.cancel();
    task.await?;
    let worker_rate = messages as f64 / worker_seconds;
    let delivered = sender.arrived.lock().map(|a| a.len()).unwrap_or(0);
    println!(
        "worker (parse + dispatch + no-op sender): {worker_rate:.0} msg/s ({worker_seconds:.2} s, {delivered} distinct events)"
    );
    println!("worker / bare consumer: {:.1} %", 100.0 * worker_rate / bare_rate);
    let _ = connection.close(200, "OK".into()).await;
    Ok(())
}

pub async fn latency(rate: u64, seconds: u64, prefetch: u16) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let (pool, organization) = organization(&bench).await?;
    let relay = bench.relay();
    relay.prepare().await?;
    let sender = Arc::new(TimingSender::default());
    let dispatch = Arc::new(DispatchEvent::new(kaiten_postgres::pooled_repositories(pool), sender.clone()));
    let worker = LapinConsumer::new(
        kaiten_test_support::amqp_url(),
        Topology::new(&bench.names.exchange, &bench.names.queue),
        prefetch,
    );
    let stop = CancellationToken::new();
    let relay_task = tokio::spawn({
        let (relay, stop) = (relay.clone(), stop.clone());
        async move { relay.run(stop).await }
    });
    let worker_task = tokio::spawn({
        let stop = stop.clone();
        async move { worker.run(dispatch, stop).await }
    });
    let client = bench.client().await?;
    let insert = client
        .prepare(&format!(
            "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id)
             VALUES ($1, 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', {PAYLOAD_SQL}, $2)"
        ))
        .await?;
    while !relay.stats().is_streaming() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut sent = Vec::new();
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    for _ in 0..rate * seconds {
        ticks.tick().await;
        let id = Uuid::now_v7();
        let at = Instant::now();
        client.execute(&insert, &[&id, &organization.id]).await?;
        sent.push((id, at));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while sender.arrived.lock().map(|a| a.len()).unwrap_or(0) < sent.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let arrived = sender.arrived.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| arrived.get(id).map(|r| r.saturating_duration_since(*at))).collect();
    latencies.sort();
    println!(
        "commit → WebhookSender::send at {rate}/s for {seconds} s: {} of {} arrived; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        sent.len(),
        percentile(&latencies, 50.0).as_secs_f64() * 1e3,
        percentile(&latencies, 95.0).as_secs_f64() * 1e3,
        percentile(&latencies, 99.0).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    stop.cancel();
    worker_task.await?;
    relay_task.await??;
    Ok(())
}
