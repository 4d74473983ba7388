//! Moving dead-lettered messages back: each message of `<exchange>.dlq` is published again, directly
//! to the work queue it came from (never through the fanout exchange, whose other queues already had
//! it), without the headers of its failures, and taken off the dead-letter queue only once the broker
//! has confirmed the copy, so nothing is lost if the move stops halfway.

use crate::broker::Broker;
use crate::consumer::{ATTEMPT_HEADER, LAST_ERROR_HEADER, REASON_HEADER};
use crate::topology::Topology;
use kaiten_application::ports::event_bus::BusError;
use lapin::options::{
    BasicAckOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection};

fn unavailable(error: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

/// The dead-letter queue of one topology.
pub struct DeadLetters {
    broker: Broker,
    topology: Topology,
}

impl DeadLetters {
    pub fn new(broker: impl Into<Broker>, topology: Topology) -> Self {
        Self { broker: broker.into(), topology }
    }

    async fn connect(&self) -> Result<(Connection, lapin::Channel), BusError> {
        let connection = self.broker.connect("kaiten-dlq").await?.connection;
        let channel = connection.create_channel().await.map_err(unavailable)?;
        Ok((connection, channel))
    }

    /// How many messages wait in the dead-letter queue now (0 when it does not exist yet).
    pub async fn count(&self) -> Result<u64, BusError> {
        let (connection, channel) = self.connect().await?;
        let options = QueueDeclareOptions { passive: true, ..Default::default() };
        let name = self.topology.dead_letters();
        let count = match channel.queue_declare(name.as_str().into(), options, FieldTable::default()).await {
            Ok(queue) => u64::from(queue.message_count()),
            Err(_) => 0,
        };
        let _ = connection.close(200, "OK".into()).await;
        Ok(count)
    }

    /// Moves up to `limit` messages back onto the work queue, calling `progress` with the running
    /// count after each; returns how many were moved.
    pub async fn requeue(&self, limit: Option<u64>, progress: &(dyn Fn(u64) + Sync)) -> Result<u64, BusError> {
        let (connection, channel) = self.connect().await?;
        channel.confirm_select(ConfirmSelectOptions::default()).await.map_err(unavailable)?;
        let source = self.topology.dead_letters();
        let mut moved = 0u64;
        while limit.is_none_or(|limit| moved < limit) {
            let Some(message) =
                channel.basic_get(source.as_str().into(), BasicGetOptions::default()).await.map_err(unavailable)?
            else {
                break;
            };
            let delivery = &message.delivery;
            let failures = [REASON_HEADER, ATTEMPT_HEADER, LAST_ERROR_HEADER];
            let headers: std::collections::BTreeMap<_, _> = delivery
                .properties
                .headers()
                .as_ref()
                .map(|table| table.inner().clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| {
                    let name = name.as_str();
                    !failures.contains(&name)
                        && !name.starts_with("x-death")
                        && !name.starts_with("x-first-death")
                        && !name.starts_with("x-last-death")
                })
                .collect();
            let headers = FieldTable::from(headers);
            let mut properties = BasicProperties::default().with_delivery_mode(2).with_headers(headers);
            if let Some(id) = delivery.properties.message_id() {
                properties = properties.with_message_id(id.clone());
            }
            if let Some(content_type) = delivery.properties.content_type() {
                properties = properties.with_content_type(content_type.clone());
            }
            let options = BasicPublishOptions { mandatory: true, ..Default::default() };
            let queue = self.topology.queue.as_str();
            let confirm = channel
                .basic_publish("".into(), queue.into(), options, &delivery.data, properties)
                .await
                .map_err(unavailable)?;
            crate::publisher::confirmed(confirm.await.map_err(unavailable)?)?;
            delivery.ack(BasicAckOptions::default()).await.map_err(unavailable)?;
            moved += 1;
            progress(moved);
        }
        let _ = connection.close(200, "OK".into()).await;
        Ok(moved)
    }
}
