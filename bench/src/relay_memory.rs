//! The relay's memory while it drains a backlog of large rows: the process's peak RSS during the
//! drain, with the relay's bounds (bytes in flight and read-ahead), or with only the old count window
//! (`count_window_only`) for comparison. One configuration per process, so each starts from the same
//! baseline. The relay reaches RabbitMQ through a TCP proxy that stops reading for the first
//! `stall` of the drain, as a broker under flow control or a memory alarm does: what the relay reads
//! meanwhile waits in its own memory.

use crate::setup::Bench;
use kaiten_cdc::{Relay, RelayConfig};
use kaiten_rabbitmq::{LapinEventBus, Topology};
use lapin::options::QueuePurgeOptions;
use lapin::{Connection, ConnectionProperties};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The current and the peak resident set of this process, in MiB (`/proc/self/status`).
fn rss_mib() -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> anyhow::Result<f64> {
        let line = status.lines().find(|line| line.starts_with(name)).ok_or_else(|| anyhow::anyhow!("no {name}"))?;
        let kib: f64 = line.split_whitespace().nth(1).unwrap_or_default().parse()?;
        Ok(kib / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// A proxy to RabbitMQ (127.0.0.1:5672) whose client-to-broker direction moves only while `flowing`.
async fn stalling_proxy(flowing: watch::Receiver<bool>) -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(broker) = TcpStream::connect("127.0.0.1:5672").await else { continue };
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_broker, mut to_broker) = broker.into_split();
            tokio::spawn(async move { tokio::io::copy(&mut from_broker, &mut to_client).await });
            let mut flowing = flowing.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    if flowing.wait_for(|flowing| *flowing).await.is_err() {
                        break;
                    }
                    match from_client.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(read) => {
                            if to_broker.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            });
        }
    });
    Ok(port)
}

pub async fn run(
    rows: usize,
    row_kib: usize,
    rows_per_transaction: usize,
    count_window_only: bool,
    stall: Duration,
) -> anyhow::Result<()> {
    let bench = Bench::new().await?;
    let (flow, flowing) = watch::channel(true);
    let port = stalling_proxy(flowing).await?;
    let proxied = format!("amqp://guest:guest@127.0.0.1:{port}/%2f");
    let bus = Arc::new(LapinEventBus::new(proxied, Topology::new(&bench.names.exchange, &bench.names.queue)));
    let mut config = RelayConfig { max_backlog: None, ..RelayConfig::new(&bench.db.url, &bench.names.slot) };
    let label = if count_window_only {
        config.max_in_flight_bytes = usize::MAX;
        config.buffered_events = 8192;
        "count window only (4,096 messages, 8,192 events read ahead)"
    } else {
        "bounded (64 MiB in flight, 64 events read ahead)"
    };
    let relay = Arc::new(Relay::new(config, bus));
    relay.prepare().await?;
    let client = bench.client().await?;
    let started = Instant::now();
    let transactions = rows.div_ceil(rows_per_transaction);
    for _ in 0..transactions {
        client
            .batch_execute(&format!(
                "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id)
                 SELECT gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created',
                        jsonb_build_object('id', gen_random_uuid(), 'blob', repeat(md5(g::text), {row_kib} * 32)),
                        gen_random_uuid()
                 FROM generate_series(1, {rows_per_transaction}) AS g"
            ))
            .await?;
    }
    let total = transactions * rows_per_transaction;
    println!(
        "backlog: {total} rows of {row_kib} KiB in {transactions} transactions, written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let connection = Connection::connect(&kaiten_test_support::amqp_url(), ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    {
        // Resets the peak resident set to the current one (Linux `clear_refs`, value 5).
        std::fs::write("/proc/self/clear_refs", "5")?;
        let (before, _) = rss_mib()?;
        let stop = CancellationToken::new();
        let stats = relay.stats();
        let started = Instant::now();
        let task = tokio::spawn({
            let (relay, stop) = (relay.clone(), stop.clone());
            async move { relay.run(stop).await }
        });
        // The topology is declared before streaming starts; the stall begins once the relay streams.
        while !stats.is_streaming() {
            anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the relay did not start streaming");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        flow.send(false)?;
        tokio::time::sleep(stall).await;
        let (during_stall, _) = rss_mib()?;
        flow.send(true)?;
        while stats.published() < total as u64 {
            anyhow::ensure!(started.elapsed() < Duration::from_secs(900), "the relay did not drain in 15 minutes");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let seconds = started.elapsed().as_secs_f64();
        stop.cancel();
        task.await??;
        let (_, peak) = rss_mib()?;
        println!(
            "relay, {label}: {:.0} msg/s ({seconds:.1} s, {:.0} s of it stalled); RSS before {before:.0} MiB, \
             at the end of the stall {during_stall:.0} MiB, peak {peak:.0} MiB (+{:.0} MiB)",
            total as f64 / seconds,
            stall.as_secs_f64(),
            peak - before
        );
    }
    channel.queue_purge(bench.names.queue.as_str().into(), QueuePurgeOptions::default()).await?;
    let _ = connection.close(200, "OK".into()).await;
    Ok(())
}
