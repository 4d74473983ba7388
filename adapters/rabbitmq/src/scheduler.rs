//! `LapinDeliveryScheduler`: the built-in engine's later attempts as RabbitMQ messages, handed back
//! on time by a ladder of delay queues. Each rung is one queue (`<queue>.ladder.<ms>`) whose messages
//! all wait exactly its TTL (a queue-level `x-message-ttl`, so the head is always the first to
//! expire and nothing waits behind a longer-lived message), then are dead-lettered into the
//! deliveries queue. A task due later than the longest rung climbs down the ladder: it is published to
//! the longest rung not longer than what remains, and when it comes back before it is due the engine
//! schedules it again, so every task is handed back within the shortest rung (250 ms) of its due time,
//! whatever else is waiting. Nothing polls a table. A task carries the W3C trace context it was
//! scheduled in, so every attempt of a change belongs to the change's trace.

use crate::publisher::LapinEventBus;
use crate::topology::Topology;
use async_trait::async_trait;
use chrono::Utc;
use kaiten_application::ports::event_bus::{BusError, EventBus};
use kaiten_delivery::ports::delivery::{DeliveryScheduler, DeliveryTask};
use lapin::BasicProperties;
use lapin::options::{BasicPublishOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The rungs, shortest first: each about four times the one before, so no task takes more than a few
/// hops per rung on its way down.
pub const LADDER: [Duration; 9] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(4),
    Duration::from_secs(15),
    Duration::from_secs(60),
    Duration::from_secs(4 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(3600),
    Duration::from_secs(4 * 3600),
];

/// The longest rung not longer than `remaining`; `None` when even the shortest is (the task is due).
pub fn rung_for(remaining: Duration) -> Option<Duration> {
    LADDER.iter().rev().find(|rung| **rung <= remaining).copied()
}

pub struct LapinDeliveryScheduler {
    bus: LapinEventBus,
    /// The deliveries topology and the ladder are declared once per process.
    declared: OnceCell<()>,
}

fn unavailable(error: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

impl LapinDeliveryScheduler {
    /// `topology` is the deliveries topology (see [`Topology::deliveries`]).
    pub fn new(broker: impl Into<crate::broker::Broker>, topology: Topology) -> Self {
        Self { bus: LapinEventBus::new(broker, topology), declared: OnceCell::new() }
    }

    fn topology(&self) -> &Topology {
        self.bus.topology()
    }

    async fn declare(&self) -> Result<(), BusError> {
        self.declared
            .get_or_try_init(|| async {
                self.bus.ensure_topology().await?;
                let channel = self.bus.channel().await?;
                for rung in LADDER {
                    let arguments = self.topology().delay_queue_arguments(rung);
                    let options = QueueDeclareOptions { durable: true, ..Default::default() };
                    let name = self.topology().ladder_queue(rung);
                    channel.queue_declare(name.as_str().into(), options, arguments).await.map_err(unavailable)?;
                }
                Ok(())
            })
            .await
            .map(|_| ())
    }
}

#[async_trait]
impl DeliveryScheduler for LapinDeliveryScheduler {
    async fn schedule(&self, task: DeliveryTask) -> Result<(), BusError> {
        self.declare().await?;
        let body = serde_json::to_vec(&task).map_err(|e| BusError::Refused(e.to_string()))?;
        let mut properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type("application/json".into())
            .with_message_id(format!("{}:{}:{}", task.message_id, task.endpoint_id, task.attempt).as_str().into());
        // The attempt continues the trace it was scheduled in (the change's).
        let mut headers = FieldTable::default();
        crate::trace::inject_current(&mut headers);
        if !headers.inner().is_empty() {
            properties = properties.with_headers(headers);
        }
        let remaining = task.due_at().map(|due| (due - Utc::now()).to_std().unwrap_or_default()).unwrap_or_default();
        let target = match rung_for(remaining) {
            Some(rung) => self.topology().ladder_queue(rung),
            None => self.topology().queue.clone(),
        };
        let channel = self.bus.channel().await?;
        let options = BasicPublishOptions { mandatory: true, ..Default::default() };
        let confirm = channel
            .basic_publish("".into(), target.as_str().into(), options, &body, properties)
            .await
            .map_err(unavailable)?;
        crate::publisher::confirmed(confirm.await.map_err(unavailable)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortest_rung_is_the_precision_the_engine_allows() {
        assert_eq!(LADDER[0], kaiten_delivery::ports::delivery::SCHEDULING_PRECISION);
    }

    #[test]
    fn a_task_takes_the_longest_rung_that_does_not_overshoot() {
        assert_eq!(rung_for(Duration::from_millis(100)), None, "due within the shortest rung: now");
        assert_eq!(rung_for(Duration::from_millis(250)), Some(Duration::from_millis(250)));
        assert_eq!(rung_for(Duration::from_secs(5)), Some(Duration::from_secs(4)));
        assert_eq!(rung_for(Duration::from_secs(10 * 3600)), Some(Duration::from_secs(4 * 3600)));
    }

    #[test]
    fn the_ten_hour_step_takes_few_hops() {
        let mut remaining = Duration::from_secs(10 * 3600 + 17);
        let mut hops = 0;
        while let Some(rung) = rung_for(remaining) {
            remaining -= rung;
            hops += 1;
        }
        assert!(remaining < LADDER[0] && hops <= 12, "{hops} hops, {remaining:?} left");
    }
}
