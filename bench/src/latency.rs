//! Commit → message on the queue, at a fixed commit rate.

use crate::setup::{Bench, PAYLOAD_SQL};
use futures::StreamExt;
use lapin::options::BasicConsumeOptions;
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub async fn run(rate: u64, seconds: u64) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let relay = bench.relay();
    relay.prepare().await?;
    let stop = CancellationToken::new();
    let task = tokio::spawn({
        let (relay, stop) = (relay.clone(), stop.clone());
        async move { relay.run(stop).await }
    });

    let received: Arc<Mutex<HashMap<Uuid, Instant>>> = Arc::default();
    let connection = Connection::connect(&kaiten_test_support::amqp_url(), ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let options = BasicConsumeOptions { no_ack: true, ..Default::default() };
    let mut consumer = channel
        .basic_consume(bench.names.queue.as_str().into(), "bench".into(), options, FieldTable::default())
        .await?;
    let sink = received.clone();
    tokio::spawn(async move {
        while let Some(Ok(delivery)) = consumer.next().await {
            let now = Instant::now();
            if let Some(id) = delivery.properties.message_id().as_ref().and_then(|id| id.as_str().parse().ok())
                && let Ok(mut map) = sink.lock()
            {
                map.insert(id, now);
            }
        }
    });

    let client = bench.client().await?;
    let insert = client
        .prepare(&format!(
            "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id)
             VALUES ($1, 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', {PAYLOAD_SQL}, gen_random_uuid())"
        ))
        .await?;
    // Let the relay start streaming before measuring.
    while !relay.stats().is_streaming() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut sent: Vec<(Uuid, Instant)> = Vec::new();
    let mut ticks = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    for _ in 0..rate * seconds {
        ticks.tick().await;
        let id = Uuid::now_v7();
        let at = Instant::now();
        client.execute(&insert, &[&id]).await?;
        sent.push((id, at));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = received.lock().map(|m| m.len() >= sent.len()).unwrap_or(false);
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let map = received.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| map.get(id).map(|r| r.saturating_duration_since(*at))).collect();
    latencies.sort();
    println!(
        "commit → queue at {rate}/s for {seconds} s: {} of {} arrived; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        sent.len(),
        percentile(&latencies, 50.0).as_secs_f64() * 1e3,
        percentile(&latencies, 95.0).as_secs_f64() * 1e3,
        percentile(&latencies, 99.0).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    stop.cancel();
    task.await??;
    let _ = connection.close(200, "OK".into()).await;
    Ok(())
}
