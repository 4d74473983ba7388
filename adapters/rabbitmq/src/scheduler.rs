//! `LapinDeliveryScheduler`: the built-in engine's later attempts as RabbitMQ messages. A task due
//! now goes straight to the deliveries queue; a later one waits in a delay queue (one per step of
//! the schedule, `<queue>.delay.<ms>`) whose messages expire after their own jittered TTL and are
//! dead-lettered into the deliveries queue. Nothing polls a table. A task carries the W3C trace
//! context it was scheduled in, so every attempt of a change belongs to the change's trace.

use crate::publisher::LapinEventBus;
use crate::topology::Topology;
use async_trait::async_trait;
use kaiten_application::ports::delivery::{DeliveryScheduler, DeliveryTask};
use kaiten_application::ports::event_bus::{BusError, EventBus};
use lapin::BasicProperties;
use lapin::options::{BasicPublishOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::Mutex;

pub struct LapinDeliveryScheduler {
    bus: LapinEventBus,
    /// Delay queues declared by this process (by delay in ms); `u128::MAX` marks the topology itself.
    declared_delays: Mutex<HashSet<u128>>,
}

const TOPOLOGY_MARK: u128 = u128::MAX;

fn unavailable(error: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

impl LapinDeliveryScheduler {
    /// `topology` is the deliveries topology (see [`Topology::deliveries`]).
    pub fn new(uri: impl Into<String>, topology: Topology) -> Self {
        Self { bus: LapinEventBus::new(uri, topology), declared_delays: Mutex::default() }
    }

    fn topology(&self) -> &Topology {
        self.bus.topology()
    }

    /// The delay queue of one step of the schedule, declared on first use.
    async fn delay_queue(&self, tier: Duration) -> Result<String, BusError> {
        let name = self.topology().delay_queue(tier);
        let mut declared = self.declared_delays.lock().await;
        if declared.contains(&tier.as_millis()) {
            return Ok(name);
        }
        let channel = self.bus.channel().await?;
        if !declared.contains(&TOPOLOGY_MARK) {
            self.bus.ensure_topology().await?;
            declared.insert(TOPOLOGY_MARK);
        }
        let mut arguments = FieldTable::default();
        arguments.insert("x-dead-letter-exchange".into(), AMQPValue::LongString(LongString::from("")));
        let work_queue = self.topology().queue.as_str();
        arguments.insert("x-dead-letter-routing-key".into(), AMQPValue::LongString(LongString::from(work_queue)));
        let options = QueueDeclareOptions { durable: true, ..Default::default() };
        channel.queue_declare(name.as_str().into(), options, arguments).await.map_err(unavailable)?;
        declared.insert(tier.as_millis());
        Ok(name)
    }
}

#[async_trait]
impl DeliveryScheduler for LapinDeliveryScheduler {
    async fn schedule(&self, task: DeliveryTask, tier: Duration, delay: Duration) -> Result<(), BusError> {
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
        let target = if tier.is_zero() && delay.is_zero() {
            let mut declared = self.declared_delays.lock().await;
            if !declared.contains(&TOPOLOGY_MARK) {
                self.bus.ensure_topology().await?;
                declared.insert(TOPOLOGY_MARK);
            }
            self.topology().queue.clone()
        } else {
            properties = properties.with_expiration(delay.as_millis().max(1).to_string().as_str().into());
            self.delay_queue(tier).await?
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
