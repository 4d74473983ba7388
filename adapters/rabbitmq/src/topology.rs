//! Names and declarations of the exchanges and queues, classic or quorum.
//!
//! With quorum queues (`KAITEN_QUEUE_TYPE=quorum`, for a RabbitMQ cluster) every queue is declared
//! `x-queue-type: quorum`, replicated on a majority of the nodes. A queue that dead-letters (the
//! work queue into `<exchange>.dlq`, a delay queue back into its work queue) does so
//! `at-least-once` (with `x-overflow: reject-publish`, which that strategy needs), so a message
//! expiring from a delay queue is removed only once its work queue has it. The work queues have no
//! delivery limit: retries are counted by Kaiten (`x-kaiten-attempt`), since a retry goes round a
//! delay queue and is not a redelivery, and a message waiting in place for a dependency that is down
//! comes back to its queue each time its connection closes (a node failing over, a worker
//! restarting): a limit would dead-letter it after enough of those, with no reason given.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, ExchangeKind};
use std::time::Duration;

/// The kind of every queue of a topology.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueType {
    /// Classic queues: one node (the default).
    #[default]
    Classic,
    /// Quorum queues: replicated by Raft over the cluster's nodes.
    Quorum,
}

/// The per-deployment names (configurable so that instances and parallel tests never share one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Fanout exchange the relay publishes to (`kaiten.events`).
    pub exchange: String,
    /// Queue the worker consumes (`kaiten-webhooks-kaiten.events`).
    pub queue: String,
    /// Delays of the retry queues, shortest first: retry n waits `retry_delays[n]`; a message is
    /// dead-lettered after `retry_delays.len()` retries. (A dependency being down uses none of them:
    /// the message waits for it in place.)
    pub retry_delays: Vec<Duration>,
    /// The type of every queue declared.
    pub queue_type: QueueType,
}

/// Retries after 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h and 2 h, then dead-letter.
pub const DEFAULT_RETRY_DELAYS: [Duration; 8] = [
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(7200),
];

impl Topology {
    pub fn new(exchange: impl Into<String>, queue: impl Into<String>) -> Self {
        Self {
            exchange: exchange.into(),
            queue: queue.into(),
            retry_delays: DEFAULT_RETRY_DELAYS.to_vec(),
            queue_type: QueueType::Classic,
        }
    }

    pub fn with_queue_type(mut self, queue_type: QueueType) -> Self {
        self.queue_type = queue_type;
        self
    }

    pub fn with_retry_delays(mut self, delays: Vec<Duration>) -> Self {
        self.retry_delays = delays;
        self
    }

    /// The queue where a message waits `retry_delays[tier]` before going back to the work queue,
    /// named after its delay, so a changed delay never meets a queue declared with another TTL.
    pub fn retry_queue(&self, tier: usize) -> String {
        let delay = self.retry_delays.get(tier).copied().unwrap_or_default();
        format!("{}.retry.{}", self.queue, delay.as_millis())
    }

    /// The topology of the built-in engine's delivery tasks: `<exchange>.deliveries` and
    /// `<queue>.deliveries` (its retry tiers are for infrastructure failures only; the delivery
    /// schedule has its own delay queues).
    pub fn deliveries(&self) -> Topology {
        Topology {
            exchange: format!("{}.deliveries", self.exchange),
            queue: format!("{}.deliveries", self.queue),
            retry_delays: self.retry_delays.clone(),
            queue_type: self.queue_type,
        }
    }

    /// The delay queue of one rung of the delivery scheduler's ladder.
    pub fn ladder_queue(&self, rung: Duration) -> String {
        format!("{}.ladder.{}", self.queue, rung.as_millis())
    }

    /// Every queue the topology declares (for clean-up).
    pub fn queues(&self) -> Vec<String> {
        let mut queues = vec![self.queue.clone(), self.dead_letters()];
        queues.extend((0..self.retry_delays.len()).map(|tier| self.retry_queue(tier)));
        queues
    }

    /// Exchange and queue of dead letters: `<exchange>.dlq`.
    pub fn dead_letters(&self) -> String {
        format!("{}.dlq", self.exchange)
    }

    /// Arguments every queue of this topology is declared with.
    fn queue_arguments(&self) -> FieldTable {
        let mut arguments = FieldTable::default();
        if self.queue_type == QueueType::Quorum {
            arguments.insert("x-queue-type".into(), AMQPValue::LongString(LongString::from("quorum")));
        }
        arguments
    }

    /// Arguments of a queue that dead-letters into `exchange` (with `routing_key`, when given).
    fn dead_lettering_arguments(&self, exchange: &str, routing_key: Option<&str>) -> FieldTable {
        let mut arguments = self.queue_arguments();
        arguments.insert("x-dead-letter-exchange".into(), AMQPValue::LongString(LongString::from(exchange)));
        if let Some(key) = routing_key {
            arguments.insert("x-dead-letter-routing-key".into(), AMQPValue::LongString(LongString::from(key)));
        }
        if self.queue_type == QueueType::Quorum {
            let text = |value: &str| AMQPValue::LongString(LongString::from(value));
            arguments.insert("x-dead-letter-strategy".into(), text("at-least-once"));
            arguments.insert("x-overflow".into(), text("reject-publish"));
        }
        arguments
    }

    /// Arguments of a delay queue: its messages wait `ttl`, then go to the work queue through the
    /// default exchange.
    pub(crate) fn delay_queue_arguments(&self, ttl: Duration) -> FieldTable {
        let mut arguments = self.dead_lettering_arguments("", Some(self.queue.as_str()));
        let ttl = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        arguments.insert("x-message-ttl".into(), AMQPValue::LongLongInt(ttl));
        arguments
    }

    /// Declares everything, idempotently. The work queue exists before the first publish, so a
    /// confirmed message always has somewhere to go.
    pub(crate) async fn declare(&self, channel: &Channel) -> lapin::Result<()> {
        let durable = ExchangeDeclareOptions { durable: true, ..Default::default() };
        let durable_queue = QueueDeclareOptions { durable: true, ..Default::default() };
        let dead_letters = self.dead_letters();
        channel
            .exchange_declare(self.exchange.as_str().into(), ExchangeKind::Fanout, durable, FieldTable::default())
            .await?;
        channel
            .exchange_declare(dead_letters.as_str().into(), ExchangeKind::Fanout, durable, FieldTable::default())
            .await?;
        channel.queue_declare(dead_letters.as_str().into(), durable_queue, self.queue_arguments()).await?;
        channel
            .queue_bind(
                dead_letters.as_str().into(),
                dead_letters.as_str().into(),
                "".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        let arguments = self.dead_lettering_arguments(&dead_letters, None);
        channel.queue_declare(self.queue.as_str().into(), durable_queue, arguments).await?;
        channel
            .queue_bind(
                self.queue.as_str().into(),
                self.exchange.as_str().into(),
                "".into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        for (tier, delay) in self.retry_delays.iter().enumerate() {
            let name = self.retry_queue(tier);
            channel.queue_declare(name.as_str().into(), durable_queue, self.delay_queue_arguments(*delay)).await?;
        }
        Ok(())
    }
}
