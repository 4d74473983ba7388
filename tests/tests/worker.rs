//! The webhooks worker on the real RabbitMQ (and PostgreSQL for organizations), with a recording
//! sender: shapes, heartbeats, poison messages, retries with backoff, the retry budget, redeliveries.

mod support;

use kaiten_application::ports::webhooks::SendError;
use kaiten_test_support::{read_queue, wait_for};
use serde_json::json;
use std::time::Duration;
use support::worker::WorkerHarness;
use uuid::Uuid;

const DEADLINE: Duration = Duration::from_secs(30);

fn fast_retries() -> Vec<Duration> {
    vec![Duration::from_millis(50), Duration::from_millis(100), Duration::from_millis(200)]
}

fn row(id: Uuid, organization: Uuid, column: &str, payload: serde_json::Value) -> serde_json::Value {
    json!({"id": id, "event_name": "CUSTOMER_UPDATE", "event_type": "com.kaiten.customer.v1.updated",
           column: payload, "organization_id": organization, "traceparent": null})
}

#[tokio::test]
async fn every_envelope_shape_is_dispatched_once_and_heartbeats_are_ignored() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let org = worker.organization.id;
    let data = json!({"id": "c1", "name": "Acme"});
    let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
    let shapes = [
        json!({"specversion": "1.0", "type": "io.debezium.connector.postgresql.DataChangeEvent",
               "data": {"schema": {}, "payload": {"before": null, "after": row(ids[0], org, "payload", json!(data.to_string()))}}}),
        json!({"schema": {}, "payload": {"before": null, "after": row(ids[1], org, "payload", json!(data.to_string())), "op": "c"}}),
        json!({"before": null, "after": row(ids[2], org, "payload", data.clone()), "op": "c"}),
        json!({"before": null, "after": row(ids[3], org, "data", json!(data.to_string())), "op": "c"}),
        json!({"before": null, "after": row(ids[4], org, "data", data.clone()), "op": "c"}),
    ];
    worker
        .publish(
            Uuid::now_v7(),
            json!({"specversion": "1.0", "type": "cloud.kaiten.cdc.heartbeat"}).to_string().into_bytes(),
        )
        .await?;
    for (id, shape) in ids.iter().zip(&shapes) {
        worker.publish(*id, shape.to_string().into_bytes()).await?;
    }
    wait_for(DEADLINE, || async { Ok((worker.sender.calls().len() >= ids.len()).then_some(())) }).await?;
    let calls = worker.sender.calls();
    assert_eq!(calls.len(), ids.len(), "one dispatch per event, none for the heartbeat");
    let mut dispatched: Vec<Uuid> = calls.iter().map(|(_, e)| e.id).collect();
    dispatched.sort();
    assert_eq!(dispatched, ids, "each shape once (handled concurrently, so in any order)");
    for (_, event) in &calls {
        assert_eq!(event.organization_id, org);
        assert_eq!(event.data, data);
        assert_eq!(event.body()["name"], "CUSTOMER_UPDATE");
    }
    Ok(())
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_with_its_reason_and_the_next_one_still_flows() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let unknown_org = row(Uuid::now_v7(), Uuid::now_v7(), "payload", json!("{}"));
    worker.publish(Uuid::now_v7(), b"\x00 this is not json".to_vec()).await?;
    worker.publish(Uuid::now_v7(), json!({"after": unknown_org, "op": "c"}).to_string().into_bytes()).await?;
    let good = Uuid::now_v7();
    worker
        .publish(
            good,
            json!({"after": row(good, worker.organization.id, "payload", json!("{}")), "op": "c"})
                .to_string()
                .into_bytes(),
        )
        .await?;

    let dead = read_queue(&worker.dead_letter_queue(), DEADLINE, |m| m.len() >= 2).await?;
    let reasons: Vec<&str> =
        dead.iter().filter_map(|m| m.headers.get("x-kaiten-dead-letter-reason").map(String::as_str)).collect();
    assert!(reasons[0].contains("unparsable envelope"), "{reasons:?}");
    assert!(reasons[1].contains("unknown organization"), "{reasons:?}");
    assert_eq!(dead[0].body, b"\x00 this is not json", "the original body is kept");
    wait_for(DEADLINE, || async { Ok((!worker.sender.calls_for(good).is_empty()).then_some(())) }).await?;
    Ok(())
}

#[tokio::test]
async fn a_transient_failure_is_retried_with_backoff_then_succeeds() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let id = Uuid::now_v7();
    let transient = |retry_after| SendError::Transient { reason: "503 from the endpoint".into(), retry_after };
    // The second failure asks for 150 ms, longer than its exponential tier (100 ms).
    worker.sender.fail(id, [transient(None), transient(Some(Duration::from_millis(150)))]);
    worker
        .publish(
            id,
            json!({"after": row(id, worker.organization.id, "payload", json!("{}")), "op": "c"})
                .to_string()
                .into_bytes(),
        )
        .await?;
    let attempts =
        wait_for(DEADLINE, || async { Ok(Some(worker.sender.calls_for(id)).filter(|a| a.len() >= 3)) }).await?;
    assert_eq!(attempts.len(), 3, "failed, failed, succeeded");
    assert!(attempts[1] - attempts[0] >= Duration::from_millis(50), "the first retry waited its tier");
    assert!(attempts[2] - attempts[1] >= Duration::from_millis(150), "Retry-After was honoured");
    Ok(())
}

#[tokio::test]
async fn after_the_retry_budget_the_message_is_dead_lettered() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let id = Uuid::now_v7();
    let failure = || SendError::Transient { reason: "timeout".into(), retry_after: None };
    worker.sender.fail(id, (0..10).map(|_| failure()));
    worker
        .publish(
            id,
            json!({"after": row(id, worker.organization.id, "payload", json!("{}")), "op": "c"})
                .to_string()
                .into_bytes(),
        )
        .await?;
    let dead = read_queue(&worker.dead_letter_queue(), DEADLINE, |m| !m.is_empty()).await?;
    let reason = dead[0].headers.get("x-kaiten-dead-letter-reason").cloned().unwrap_or_default();
    assert!(reason.contains("gave up after 3 retries") && reason.contains("timeout"), "{reason}");
    assert_eq!(worker.sender.calls_for(id).len(), 4, "the first try and three retries");
    assert_eq!(dead[0].message_id, Some(id.to_string()));
    Ok(())
}

#[tokio::test]
async fn being_handled_elsewhere_spends_no_retry() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let id = Uuid::now_v7();
    let later = || SendError::Later { reason: "handled by another process".into(), after: Duration::from_millis(50) };
    // Five "later" answers, more than the three retries of the budget, then a transient failure.
    worker.sender.fail(
        id,
        (0..5).map(|_| later()).chain([SendError::Transient { reason: "timeout".into(), retry_after: None }]),
    );
    worker
        .publish(
            id,
            json!({"after": row(id, worker.organization.id, "payload", json!("{}")), "op": "c"})
                .to_string()
                .into_bytes(),
        )
        .await?;
    let attempts =
        wait_for(DEADLINE, || async { Ok(Some(worker.sender.calls_for(id)).filter(|a| a.len() >= 7)) }).await?;
    assert_eq!(attempts.len(), 7, "five times later, one failure, then delivered: never dead-lettered");
    Ok(())
}

#[tokio::test]
async fn a_permanent_refusal_is_dead_lettered_at_once() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let id = Uuid::now_v7();
    worker.sender.fail(id, [SendError::Permanent("invalid event".into())]);
    worker
        .publish(
            id,
            json!({"after": row(id, worker.organization.id, "payload", json!("{}")), "op": "c"})
                .to_string()
                .into_bytes(),
        )
        .await?;
    let dead = read_queue(&worker.dead_letter_queue(), DEADLINE, |m| !m.is_empty()).await?;
    assert!(dead[0].headers.get("x-kaiten-dead-letter-reason").is_some_and(|r| r.contains("invalid event")));
    assert_eq!(worker.sender.calls_for(id).len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_redelivered_event_is_passed_on_with_the_same_idempotency_key() -> anyhow::Result<()> {
    let worker = WorkerHarness::start(fast_retries()).await?;
    let id = Uuid::now_v7();
    let body =
        json!({"after": row(id, worker.organization.id, "payload", json!("{}")), "op": "c"}).to_string().into_bytes();
    worker.publish(id, body.clone()).await?;
    worker.publish(id, body).await?;
    let calls = wait_for(DEADLINE, || async { Ok(Some(worker.sender.calls()).filter(|c| c.len() >= 2)) }).await?;
    assert!(calls.iter().all(|(_, event)| event.id == id), "both carry the outbox id, the sender's idempotency key");
    Ok(())
}

#[test]
fn the_test_cleanup_knows_every_queue_the_adapters_declare() {
    let ladder: Vec<u64> = kaiten_rabbitmq::LADDER.iter().map(|rung| rung.as_millis() as u64).collect();
    assert_eq!(ladder, kaiten_test_support::LADDER_MS);
    let names = kaiten_test_support::TestNames::new();
    let cleanup = kaiten_test_support::BrokerCleanup::for_names(&names);
    let topology = kaiten_rabbitmq::Topology::new(&names.exchange, &names.queue);
    for topology in [topology.clone(), topology.deliveries()] {
        for queue in topology.queues() {
            assert!(cleanup.queues.contains(&queue), "{queue} would be left behind");
        }
    }
    let fast = topology.with_retry_delays(fast_retries());
    for queue in fast.queues() {
        assert!(cleanup.queues.contains(&queue), "{queue} would be left behind");
    }
}
