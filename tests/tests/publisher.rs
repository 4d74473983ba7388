//! The lapin `EventBus` on the real RabbitMQ: messages published back to back, their confirmations
//! held unpolled, reach the queue in call order; after the connection broke, publishing fails instead
//! of reconnecting underneath (so nothing published later can overtake what was lost), and
//! `ensure_topology` connects again.

use futures::future::try_join_all;
use kaiten_application::ports::event_bus::{BusError, EventBus, OutgoingMessage};
use kaiten_rabbitmq::{LapinEventBus, Topology};
use kaiten_test_support::{BrokerCleanup, TestNames, amqp_url, read_queue};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(30);

fn message(index: usize) -> OutgoingMessage {
    OutgoingMessage {
        message_id: index.to_string(),
        content_type: "application/json",
        body: format!("{{\"index\": {index}}}").into_bytes(),
        headers: vec![("traceparent".into(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into())],
    }
}

#[tokio::test]
async fn messages_published_back_to_back_arrive_in_call_order() -> anyhow::Result<()> {
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let bus = LapinEventBus::new(amqp_url(), Topology::new(&names.exchange, &names.queue));
    bus.ensure_topology().await?;
    let mut confirmations = Vec::new();
    for index in 0..500 {
        confirmations.push(bus.publish(message(index)).await?);
    }
    try_join_all(confirmations).await?;
    let received = read_queue(&names.queue, DEADLINE, |m| m.len() >= 500).await?;
    let order: Vec<String> = received.iter().filter_map(|m| m.message_id.clone()).collect();
    assert_eq!(order, (0..500).map(|i| i.to_string()).collect::<Vec<_>>());
    Ok(())
}

#[tokio::test]
async fn publishing_never_reconnects_underneath_ensure_topology_does() -> anyhow::Result<()> {
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let bus = LapinEventBus::new(amqp_url(), Topology::new(&names.exchange, &names.queue));
    assert!(matches!(bus.publish(message(0)).await, Err(BusError::Unavailable(_))), "not connected yet");
    bus.ensure_topology().await?;
    bus.publish(message(1)).await?.await?;
    bus.disconnect().await;
    assert!(matches!(bus.publish(message(2)).await, Err(BusError::Unavailable(_))), "the connection is gone");
    bus.ensure_topology().await?;
    bus.publish(message(3)).await?.await?;
    let received = read_queue(&names.queue, DEADLINE, |m| m.len() >= 2).await?;
    let ids: Vec<Option<String>> = received.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids, [Some("1".to_owned()), Some("3".to_owned())]);
    Ok(())
}
