//! The CDC relay on the real PostgreSQL and RabbitMQ: format, order, atomicity, crash safety,
//! broker faults, idle WAL and takeover. Each test has its own database, slot, exchange and queue.

mod support;

use kaiten_application::ports::event_bus::EventBus;
use kaiten_application::ports::health::ReadinessCheck;
use kaiten_test_support::{read_queue, wait_for};
use std::collections::HashSet;
use std::time::Duration;
use support::relay::{RelayHarness, outbox_id};
use uuid::Uuid;

const DEADLINE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn committed_rows_arrive_whole_in_commit_order_and_rolled_back_rows_never() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let relay = harness.start().await?;
    let mut client = harness.client().await?;

    let mut expected = harness.insert_rows(&mut client, 1, true).await?;
    let rolled_back = harness.insert_rows(&mut client, 3, false).await?;
    expected.extend(harness.insert_rows(&mut client, 250, true).await?);
    // COPY: another way a whole batch lands in one transaction.
    let copied: Vec<Uuid> = (0..40).map(|_| Uuid::now_v7()).collect();
    {
        use futures::SinkExt;
        let tx = client.transaction().await?;
        let sink =
            tx.copy_in("COPY outbox_events (id, event_name, event_type, data, organization_id) FROM STDIN").await?;
        let mut sink = std::pin::pin!(sink);
        let mut data = String::new();
        for id in &copied {
            data.push_str(&format!(
                "{id}\tRELEASE_CREATION\tcom.kaiten.release.v1.created\t{{\"v\": 1}}\t{}\n",
                harness.organization
            ));
        }
        sink.send(bytes::Bytes::from(data)).await?;
        sink.as_mut().finish().await?;
        tx.commit().await?;
    }
    expected.extend(&copied);
    expected.extend(harness.insert_rows(&mut client, 1, true).await?);

    let messages = read_queue(&harness.names.queue, DEADLINE, |m| m.len() >= expected.len()).await?;
    let ids: Vec<Uuid> = messages.iter().filter_map(outbox_id).collect();
    assert_eq!(ids, expected, "every committed row, once, in commit order");
    assert!(rolled_back.iter().all(|id| !ids.contains(id)));

    let first = &messages[0];
    assert_eq!(first.message_id, Some(expected[0].to_string()));
    assert_eq!(first.content_type.as_deref(), Some("application/cloudevents+json"));
    assert_eq!(first.delivery_mode, Some(2));
    assert_eq!(
        first.headers.get("traceparent").map(String::as_str),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    );
    let body = first.json()?;
    assert_eq!(body["type"], "io.debezium.connector.postgresql.DataChangeEvent");
    assert_eq!(body["iodebeziumtable"], "outbox_events");
    assert_eq!(body["iodebeziumop"], "c");
    let after = &body["data"]["payload"]["after"];
    assert_eq!(after["event_name"], "CUSTOMER_CREATION");
    assert!(after["data"].is_string(), "jsonb arrives as a JSON-encoded string");
    let data: serde_json::Value = serde_json::from_str(after["data"].as_str().unwrap_or_default())?;
    assert_eq!(data["id"], expected[0].to_string());
    assert!(after["occurred_at"].as_str().is_some_and(|t| t.ends_with('Z')));

    wait_for(DEADLINE, || async { Ok((relay.relay.stats().published() >= expected.len() as u64).then_some(())) })
        .await?;
    relay.stop().await
}

#[tokio::test]
async fn a_transaction_larger_than_the_window_of_unconfirmed_messages_arrives_whole() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let relay = harness.start_with_window(16).await?;
    let mut client = harness.client().await?;
    let mut expected = harness.insert_rows(&mut client, 10, true).await?;
    expected.extend(harness.insert_rows(&mut client, 100, true).await?);
    expected.extend(harness.insert_rows(&mut client, 5, true).await?);
    let messages = read_queue(&harness.names.queue, DEADLINE, |m| m.len() >= expected.len()).await?;
    let ids: Vec<Uuid> = messages.iter().filter_map(outbox_id).collect();
    assert_eq!(ids, expected);
    relay.stop().await
}

#[tokio::test]
async fn a_full_work_queue_holds_the_relay_back_and_the_rest_waits_in_the_wal() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let relay = harness.start_with_backlog(10).await?;
    let mut client = harness.client().await?;
    let mut expected = Vec::new();
    for _ in 0..5 {
        expected.extend(harness.insert_rows(&mut client, 5, true).await?);
    }
    let stats = relay.relay.stats();
    let full = || async { Ok((stats.is_holding_back() && harness.bus.backlog().await? == Some(10)).then_some(())) };
    wait_for(DEADLINE, full).await?;
    assert_eq!(harness.bus.backlog().await?, Some(10), "the queue holds the bound, and no more");

    // A consumer makes room: the relay reads on, and everything arrives once, in commit order.
    let messages = read_queue(&harness.names.queue, DEADLINE, |m| m.len() >= expected.len()).await?;
    let ids: Vec<Uuid> = messages.iter().filter_map(outbox_id).collect();
    assert_eq!(ids, expected);
    wait_for(DEADLINE, || async { Ok((!stats.is_holding_back()).then_some(())) }).await?;
    relay.stop().await
}

#[tokio::test]
async fn killing_the_relay_mid_stream_loses_nothing() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let first = harness.start().await?;
    let mut client = harness.client().await?;
    let mut committed = Vec::new();
    for round in 0..60 {
        committed.extend(harness.insert_rows(&mut client, 1 + round % 7, true).await?);
        if round == 30 {
            // Kill it while transactions are flowing: no graceful stop.
            first.task.abort();
        }
    }
    let second = harness.start().await?;
    for _ in 0..10 {
        committed.extend(harness.insert_rows(&mut client, 3, true).await?);
    }
    let expected: HashSet<Uuid> = committed.iter().copied().collect();
    let messages = read_queue(&harness.names.queue, DEADLINE, |m| {
        let seen: HashSet<Uuid> = m.iter().filter_map(outbox_id).collect();
        expected.is_subset(&seen)
    })
    .await?;
    assert!(messages.len() >= expected.len(), "duplicates are allowed, losses are not");
    second.stop().await
}

#[tokio::test]
async fn a_broken_broker_connection_is_reconnected_without_loss() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let relay = harness.start().await?;
    let mut client = harness.client().await?;
    let mut committed = Vec::new();
    for round in 0..40 {
        committed.extend(harness.insert_rows(&mut client, 5, true).await?);
        if round % 10 == 5 {
            harness.bus.disconnect().await;
        }
    }
    let expected: HashSet<Uuid> = committed.iter().copied().collect();
    read_queue(&harness.names.queue, DEADLINE, |m| expected.is_subset(&m.iter().filter_map(outbox_id).collect()))
        .await?;
    relay.stop().await
}

#[tokio::test]
async fn an_idle_outbox_does_not_pin_wal() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let relay = harness.start().await?;
    let client = harness.client().await?;
    wait_for(DEADLINE, || async { Ok(relay.relay.stats().is_streaming().then_some(())) }).await?;
    let before = slot_position(&client, harness.names.slot.clone()).await?;
    // WAL traffic that is not in the publication.
    client
        .batch_execute("CREATE TABLE unrelated (n int); INSERT INTO unrelated SELECT generate_series(1, 1000);")
        .await?;
    let current_wal: String = client.query_one("SELECT pg_current_wal_lsn()::text", &[]).await?.get(0);
    wait_for(DEADLINE, || async {
        Ok((slot_position(&client, harness.names.slot.clone()).await? > before).then_some(()))
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}: the slot stayed at {before} while the WAL moved to {current_wal}"))?;
    relay.stop().await
}

async fn slot_position(client: &tokio_postgres::Client, slot: String) -> anyhow::Result<u64> {
    let row = client
        .query_one("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1", &[&slot])
        .await?;
    let text: String = row.get(0);
    let (high, low) = text.split_once('/').unwrap_or(("0", "0"));
    Ok((u64::from_str_radix(high, 16)? << 32) | u64::from_str_radix(low, 16)?)
}

#[tokio::test]
async fn a_second_relay_waits_and_takes_over() -> anyhow::Result<()> {
    let harness = RelayHarness::new().await?;
    let active = harness.start().await?;
    wait_for(DEADLINE, || async { Ok(active.relay.stats().is_streaming().then_some(())) }).await?;
    let standby = harness.start().await?;
    let mut client = harness.client().await?;
    let mut committed = harness.insert_rows(&mut client, 10, true).await?;
    assert!(!standby.relay.stats().is_streaming(), "only one relay streams a slot");
    wait_for(DEADLINE, || async { Ok(standby.relay.stats().is_standing_by().then_some(())) }).await?;
    let readiness = kaiten_cdc::RelayReadiness(standby.relay.stats());
    assert_eq!(readiness.check().await, Ok(()), "a standby is ready to take over");
    assert!(readiness.detail().await.is_some_and(|detail| detail.starts_with("standing by")));

    active.stop().await?;
    committed.extend(harness.insert_rows(&mut client, 10, true).await?);
    wait_for(DEADLINE, || async { Ok(standby.relay.stats().is_streaming().then_some(())) }).await?;
    assert!(!standby.relay.stats().is_standing_by());
    let expected: HashSet<Uuid> = committed.iter().copied().collect();
    read_queue(&harness.names.queue, DEADLINE, |m| expected.is_subset(&m.iter().filter_map(outbox_id).collect()))
        .await?;
    standby.stop().await
}
