//! RabbitMQ adapter (lapin): implements the `EventBus` port — declares the topology a Dapr
//! `pubsub.rabbitmq` component would (durable fanout exchange, durable queue bound with `""`,
//! dead-lettering to `<exchange>.dlq`), and publishes persistent, mandatory messages with publisher
//! confirms, reconnecting lazily after the connection breaks — to the next node of the broker's
//! list when its node fails. Queues are classic on one node or quorum on a cluster.

mod acks;
mod broker;
mod consumer;
mod dead_letters;
mod publisher;
mod scheduler;
mod topology;
mod trace;

pub use broker::{Broker, BrokerConnection, BrokerListError, CONNECT_TIMEOUT};
pub use consumer::{ATTEMPT_HEADER, ConsumerReadiness, ConsumerStats, LAST_ERROR_HEADER, LapinConsumer, REASON_HEADER};
pub use dead_letters::DeadLetters;
pub use publisher::{LapinEventBus, publish_queued};
pub use scheduler::{LADDER, LapinDeliveryScheduler, rung_for};
pub use topology::{DEFAULT_RETRY_DELAYS, QueueType, Topology};
