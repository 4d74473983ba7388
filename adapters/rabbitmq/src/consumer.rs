//! `LapinConsumer`: consumes the work queue with manual acks and bounded prefetch, hands each message
//! to a `MessageHandler`, and carries out its disposition through RabbitMQ itself — ack; retry via a
//! delay queue (TTL, then dead-lettered back to the work queue) with exponential backoff that honours
//! `Retry-After`, a bounded number of times; or dead-letter to `<exchange>.dlq` with the reason in the
//! headers. When the handler reports a dependency unavailable (the database, the broker, Svix) the
//! message keeps its place: it is handled again after a capped, jittered backoff for as long as the
//! outage lasts, never spending its retries, and the stats show what the worker waits for. A message
//! is acknowledged only once its retry or dead-letter copy is confirmed, so nothing is dropped; settled
//! messages are acknowledged together ([`crate::acks`]). Each message is handled in a span continuing
//! the trace of its `traceparent` header.

use crate::acks::AckBatcher;
use crate::broker::Broker;
use crate::topology::Topology;
use backon::{BackoffBuilder, ExponentialBuilder};
use futures::TryStreamExt;
use kaiten_application::ports::event_bus::{BusError, Disposition, MessageHandler};
use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{BasicProperties, Channel};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Header counting how many times a message was retried.
pub const ATTEMPT_HEADER: &str = "x-kaiten-attempt";
/// Header of a dead letter: why it can never be processed.
pub const REASON_HEADER: &str = "x-kaiten-dead-letter-reason";
/// Header of a retried message: why the last attempt failed.
pub const LAST_ERROR_HEADER: &str = "x-kaiten-last-error";

/// How long a settled message may wait for an older one still being handled, counted from when that
/// one was received, to be acknowledged with it rather than alone.
const DEFAULT_ACK_HOLD: Duration = Duration::from_millis(20);

/// What the consumer did, for metrics and readiness.
#[derive(Debug, Default)]
pub struct ConsumerStats {
    pub consumed: AtomicU64,
    pub retried: AtomicU64,
    pub dead_lettered: AtomicU64,
    /// Messages waiting now for an unavailable dependency.
    pub waiting: AtomicU64,
    /// What the last message to wait was waiting for (`dependency: reason`).
    waiting_for: std::sync::Mutex<String>,
    /// The broker node (`host:port`) consumed from now.
    node: std::sync::Mutex<Option<String>>,
}

impl ConsumerStats {
    /// `Some("database: …")` while messages wait for an unavailable dependency.
    pub fn waiting_for(&self) -> Option<String> {
        if self.waiting.load(Ordering::Relaxed) == 0 {
            return None;
        }
        Some(self.waiting_for.lock().map(|what| what.clone()).unwrap_or_default())
    }

    /// The broker node (`host:port`) the consumer is connected to, if any.
    pub fn node(&self) -> Option<String> {
        self.node.lock().ok().and_then(|node| node.clone())
    }

    fn set_node(&self, node: Option<String>) {
        if let Ok(mut current) = self.node.lock() {
            *current = node;
        }
    }

    fn start_waiting(&self, dependency: &str, reason: &str) {
        if let Ok(mut what) = self.waiting_for.lock() {
            *what = format!("{dependency}: {reason}");
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
    }
}

/// Readiness of a consumer: failing while messages wait for an unavailable dependency.
pub struct ConsumerReadiness {
    pub name: &'static str,
    pub stats: Arc<ConsumerStats>,
}

#[async_trait::async_trait]
impl ReadinessCheck for ConsumerReadiness {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn check(&self) -> Result<(), NotReady> {
        match self.stats.waiting_for() {
            None => Ok(()),
            Some(what) => Err(NotReady::new(format!("waiting for {what}"))),
        }
    }

    async fn detail(&self) -> Option<String> {
        self.stats.node().map(|node| format!("consuming from {node}"))
    }
}

/// Backoff while a dependency is unavailable: from 200 ms, doubling, at most 30 s, with jitter.
fn outage_backoff() -> backon::ExponentialBackoff {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(30))
        .with_jitter()
        .without_max_times()
        .build()
}

pub struct LapinConsumer {
    broker: Broker,
    topology: Topology,
    prefetch: u16,
    ack_hold: Duration,
    stats: Arc<ConsumerStats>,
}

fn unavailable(error: impl std::fmt::Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

fn header_text(delivery: &Delivery, name: &str) -> Option<String> {
    match delivery.properties.headers().as_ref()?.inner().get(name)? {
        AMQPValue::LongString(value) => Some(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        AMQPValue::ShortString(value) => Some(value.as_str().to_owned()),
        _ => None,
    }
}

impl LapinConsumer {
    pub fn new(broker: impl Into<Broker>, topology: Topology, prefetch: u16) -> Self {
        let prefetch = prefetch.max(1);
        Self { broker: broker.into(), topology, prefetch, ack_hold: DEFAULT_ACK_HOLD, stats: Arc::default() }
    }

    /// How long a settled message may wait to be acknowledged with an older one (see [`crate::acks`]).
    pub fn with_ack_hold(self, hold: Duration) -> Self {
        Self { ack_hold: hold, ..self }
    }

    pub fn stats(&self) -> Arc<ConsumerStats> {
        self.stats.clone()
    }

    /// Consumes until `shutdown`, reconnecting with backoff after any broker fault.
    pub async fn run(&self, handler: Arc<dyn MessageHandler>, shutdown: CancellationToken) {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(5))
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        while !shutdown.is_cancelled() {
            let started = tokio::time::Instant::now();
            let outcome = self.consume(handler.clone(), &shutdown).await;
            self.stats.set_node(None);
            match outcome {
                Ok(()) => break,
                Err(error) => tracing::warn!(%error, "consumer interrupted; reconnecting"),
            }
            if started.elapsed() > Duration::from_secs(30) {
                delays = backoff.build();
            }
            let delay = delays.next().unwrap_or(Duration::from_secs(5));
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(delay) => {}
            }
        }
        tracing::info!("consumer stopped");
    }

    async fn consume(&self, handler: Arc<dyn MessageHandler>, shutdown: &CancellationToken) -> Result<(), BusError> {
        let connected = self.broker.connect("kaiten-worker").await?;
        let connection = connected.connection;
        let channel = connection.create_channel().await.map_err(unavailable)?;
        self.topology.declare(&channel).await.map_err(unavailable)?;
        let publisher = connection.create_channel().await.map_err(unavailable)?;
        publisher.confirm_select(ConfirmSelectOptions::default()).await.map_err(unavailable)?;
        channel.basic_qos(self.prefetch, BasicQosOptions::default()).await.map_err(unavailable)?;
        let consumer = channel
            .basic_consume(
                self.topology.queue.as_str().into(),
                "kaiten-worker".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(unavailable)?;
        tracing::info!(queue = %self.topology.queue, prefetch = self.prefetch, node = %connected.node, "worker consuming");
        self.stats.set_node(Some(connected.node));
        let acks = AckBatcher::new(self.ack_hold);
        let processing =
            consumer.map_err(unavailable).try_for_each_concurrent(usize::from(self.prefetch), |delivery| {
                let (handler, publisher, acks) = (handler.clone(), &publisher, &acks);
                let span = crate::trace::consumer_span(&self.topology.queue, &delivery);
                acks.received(delivery.delivery_tag);
                async move {
                    let mut waits = outage_backoff();
                    loop {
                        match handler.handle(&delivery.data).await {
                            Disposition::Unavailable { dependency, reason } => {
                                let wait = waits.next().unwrap_or(Duration::from_secs(30));
                                if self.stats.waiting.load(Ordering::Relaxed) == 0 {
                                    tracing::warn!(dependency, %reason, ?wait, "a dependency is unavailable; the message waits");
                                } else {
                                    tracing::debug!(dependency, %reason, ?wait, "a dependency is unavailable; the message waits");
                                }
                                self.stats.start_waiting(dependency, &reason);
                                tokio::time::sleep(wait).await;
                                self.stats.waiting.fetch_sub(1, Ordering::Relaxed);
                            }
                            disposition => return self.settle(publisher, acks, &delivery, disposition).await,
                        }
                    }
                }
                .instrument(span)
            });
        let outcome = tokio::select! {
            () = shutdown.cancelled() => Ok(()),
            result = processing => result.and(Err(BusError::Unavailable("the broker cancelled the consumer".into()))),
            error = acks.run(&channel) => Err(error),
        };
        // What is settled is acknowledged before the connection closes, whatever ended the session (a
        // channel that broke fails this too, and those messages come back).
        if let Err(error) = acks.flush(&channel).await {
            tracing::debug!(%error, "settled messages could not be acknowledged before closing");
        }
        let _ = connection.close(200, "OK".into()).await;
        outcome
    }

    /// Carries out a disposition; the delivery is acknowledged (with others, by `acks`) only after its
    /// copy is confirmed.
    async fn settle(
        &self,
        publisher: &Channel,
        acks: &AckBatcher,
        delivery: &Delivery,
        disposition: Disposition,
    ) -> Result<(), BusError> {
        self.stats.consumed.fetch_add(1, Ordering::Relaxed);
        match disposition {
            Disposition::Ack => {}
            Disposition::Retry { reason, after } => {
                let attempt: usize = header_text(delivery, ATTEMPT_HEADER).and_then(|a| a.parse().ok()).unwrap_or(0);
                if attempt >= self.topology.retry_delays.len() {
                    let reason = format!("gave up after {attempt} retries: {reason}");
                    self.dead_letter(publisher, delivery, &reason).await?;
                } else {
                    let tier = self.tier_for(attempt, after);
                    let headers = [(ATTEMPT_HEADER, (attempt + 1).to_string()), (LAST_ERROR_HEADER, reason)];
                    let target = self.topology.retry_queue(tier);
                    republish(publisher, "", &target, delivery, &headers).await?;
                    self.stats.retried.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(attempt, tier, reason = %headers[1].1, "message scheduled for retry");
                }
            }
            Disposition::Later { reason, after } => {
                // The same attempt number: looking again later spends no retry.
                let attempt = header_text(delivery, ATTEMPT_HEADER).unwrap_or_else(|| "0".to_owned());
                let tier = self.tier_for(0, Some(after));
                let headers = [(ATTEMPT_HEADER, attempt), (LAST_ERROR_HEADER, reason)];
                republish(publisher, "", &self.topology.retry_queue(tier), delivery, &headers).await?;
                tracing::info!(tier, reason = %headers[1].1, "message looked at again later");
            }
            Disposition::DeadLetter { reason } => self.dead_letter(publisher, delivery, &reason).await?,
            // Handled where the message waits (`consume`); never settled as such.
            Disposition::Unavailable { .. } => return Ok(()),
        }
        acks.settled(delivery.delivery_tag);
        Ok(())
    }

    /// The retry queue for the `attempt`-th retry: exponential by attempt, and at least `after`.
    fn tier_for(&self, attempt: usize, after: Option<Duration>) -> usize {
        let delays = &self.topology.retry_delays;
        let by_attempt = attempt.min(delays.len().saturating_sub(1));
        let by_after = after.map_or(0, |after| delays.iter().position(|d| *d >= after).unwrap_or(delays.len() - 1));
        by_attempt.max(by_after)
    }

    async fn dead_letter(&self, publisher: &Channel, delivery: &Delivery, reason: &str) -> Result<(), BusError> {
        tracing::warn!(reason, "dead-lettering a message");
        let exchange = self.topology.dead_letters();
        republish(publisher, &exchange, "", delivery, &[(REASON_HEADER, reason.to_owned())]).await?;
        self.stats.dead_lettered.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Publishes a copy of `delivery` (same body, id, content type and headers, plus `extra` headers) and
/// waits for the broker's confirm.
async fn republish(
    publisher: &Channel,
    exchange: &str,
    routing_key: &str,
    delivery: &Delivery,
    extra: &[(&str, String)],
) -> Result<(), BusError> {
    let mut headers = delivery.properties.headers().clone().unwrap_or_default();
    for (name, value) in extra {
        // Header values are bounded so a huge error text cannot bloat every retry.
        let value: String = value.chars().take(1024).collect();
        headers.insert((*name).into(), AMQPValue::LongString(LongString::from(value.as_str())));
    }
    let mut properties = BasicProperties::default().with_delivery_mode(2).with_headers(headers);
    if let Some(id) = delivery.properties.message_id() {
        properties = properties.with_message_id(id.clone());
    }
    if let Some(content_type) = delivery.properties.content_type() {
        properties = properties.with_content_type(content_type.clone());
    }
    let options = BasicPublishOptions { mandatory: true, ..Default::default() };
    let confirm = publisher
        .basic_publish(exchange.into(), routing_key.into(), options, &delivery.data, properties)
        .await
        .map_err(unavailable)?;
    crate::publisher::confirmed(confirm.await.map_err(unavailable)?)
}
