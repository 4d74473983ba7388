//! Backlog drain: the relay versus `pg_recvlogical` (decoding alone) versus a plain lapin publisher
//! (the broker alone), on the same backlog and message size, in one run.

use crate::setup::{Bench, PAYLOAD_SQL};
use futures::stream::{FuturesUnordered, StreamExt};
use lapin::options::{BasicGetOptions, ConfirmSelectOptions, QueuePurgeOptions};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

pub async fn run(rows: usize, rows_per_transaction: usize, with_recvlogical: bool) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let relay = bench.relay();
    relay.prepare().await?;
    let client = bench.client().await?;
    let recv_slot = format!("{}_recv", bench.names.slot);
    if with_recvlogical {
        client.execute("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", &[&recv_slot]).await?;
    }

    let started = Instant::now();
    let transactions = rows.div_ceil(rows_per_transaction);
    for _ in 0..transactions {
        client
            .batch_execute(&format!(
                "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id, headers)
                 SELECT gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', {PAYLOAD_SQL},
                        gen_random_uuid(), '{{\"traceparent\": \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}}'
                 FROM generate_series(1, {rows_per_transaction})"
            ))
            .await?;
    }
    let end_lsn: String = client.query_one("SELECT pg_current_wal_lsn()::text", &[]).await?.get(0);
    let total = transactions * rows_per_transaction;
    println!(
        "backlog: {total} rows in {transactions} transactions, written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    if with_recvlogical {
        let started = Instant::now();
        let status = std::process::Command::new("pg_recvlogical")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-d", &bench.db.name, "--slot", &recv_slot, "--start"])
            .args(["--endpos", &end_lsn, "--no-loop", "-f", "/dev/null"])
            .args(["-o", "proto_version=1", "-o", &format!("publication_names={}", bench.names.slot)])
            .status()?;
        anyhow::ensure!(status.success(), "pg_recvlogical failed: {status}");
        let seconds = started.elapsed().as_secs_f64();
        println!("pg_recvlogical decode to /dev/null: {:.0} rows/s ({seconds:.2} s)", total as f64 / seconds);
        client.execute("SELECT pg_drop_replication_slot($1)", &[&recv_slot]).await?;
    }

    let stop = CancellationToken::new();
    let stats = relay.stats();
    let started = Instant::now();
    let task = tokio::spawn({
        let (relay, stop) = (relay.clone(), stop.clone());
        async move { relay.run(stop).await }
    });
    while stats.published() < total as u64 {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the relay did not drain the backlog in 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let relay_seconds = started.elapsed().as_secs_f64();
    stop.cancel();
    task.await??;
    let relay_rate = total as f64 / relay_seconds;

    let connection = Connection::connect(&kaiten_test_support::amqp_url(), ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let sample = channel
        .basic_get(bench.names.queue.as_str().into(), BasicGetOptions { no_ack: true })
        .await?
        .ok_or_else(|| anyhow::anyhow!("no message on the queue"))?;
    let size = sample.delivery.data.len();
    channel.queue_purge(bench.names.queue.as_str().into(), QueuePurgeOptions::default()).await?;
    println!("relay drain (confirmed on RabbitMQ): {relay_rate:.0} msg/s ({relay_seconds:.2} s, {size}-byte messages)");

    channel.confirm_select(ConfirmSelectOptions::default()).await?;
    // The broker alone, twice: messages of the relay's size with only a message id, and copies of the
    // relay's own message (its body and properties: content type, `traceparent` header).
    let bare = BasicProperties::default().with_delivery_mode(2);
    let plain_rate = publish_plain(&channel, &bench.names.exchange, total, &vec![b'x'; size], &bare).await?;
    channel.queue_purge(bench.names.queue.as_str().into(), QueuePurgeOptions::default()).await?;
    println!("plain lapin publisher (persistent, confirms, one channel, message id only): {plain_rate:.0} msg/s");
    let same_rate =
        publish_plain(&channel, &bench.names.exchange, total, &sample.delivery.data, &sample.delivery.properties)
            .await?;
    channel.queue_purge(bench.names.queue.as_str().into(), QueuePurgeOptions::default()).await?;
    println!(
        "plain lapin publisher, copies of the relay's message (body, content type, headers): {same_rate:.0} msg/s"
    );
    println!("relay / plain publisher: {:.1} %", 100.0 * relay_rate / plain_rate);
    println!("relay / plain publisher of the same message: {:.1} %", 100.0 * relay_rate / same_rate);
    let _ = connection.close(200, "OK".into()).await;
    Ok(())
}

/// Publishes `total` persistent, mandatory copies of `body` (each with its own message id) on one
/// confirming channel with the relay's window of unconfirmed messages, queueing each message's frames
/// without waiting for the socket write, as the relay does; returns messages per second.
async fn publish_plain(
    channel: &lapin::Channel,
    exchange: &str,
    total: usize,
    body: &[u8],
    properties: &BasicProperties,
) -> anyhow::Result<f64> {
    let window = 4096;
    let body: Arc<[u8]> = body.into();
    let started = Instant::now();
    let mut pending = FuturesUnordered::new();
    for i in 0..total {
        if pending.len() >= window
            && let Some(confirmed) = pending.next().await
        {
            confirmed?;
        }
        let properties = properties.clone().with_delivery_mode(2).with_message_id(i.to_string().into());
        pending.push(kaiten_rabbitmq::publish_queued(channel.clone(), exchange, body.clone(), properties)?);
    }
    while let Some(confirmed) = pending.next().await {
        confirmed?;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}
