//! `DeliveryEngine`: the first attempt of every (message, endpoint) right when the event is handed
//! over, later attempts from the scheduled `DeliveryTask`s. Each attempt runs in its own span, a
//! child of the span the event or the task is handled in.

use super::attempt::{self, Judged};
use super::slots::EndpointSlots;
use crate::error::RepoError;
use crate::ports::delivery::{
    AttemptRecord, DeliveryScheduler, DeliveryTask, NewMessage, StoredEndpoint, WebhookStore, WebhookTransport,
};
use crate::ports::event_bus::{Disposition, MessageHandler};
use crate::ports::webhooks::{SendError, WebhookEvent, WebhookSender};
use async_trait::async_trait;
use futures::future::join_all;
use kaiten_domain::clock;
use kaiten_domain::organization::Organization;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

/// Svix's retry schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
pub const SVIX_RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Delays before attempts 2, 3, …
    pub retry_schedule: Vec<Duration>,
    /// ± fraction applied to each delay (0.2 = ±20 %).
    pub jitter: f64,
    /// Requests in flight to one endpoint at most (per process).
    pub endpoint_concurrency: usize,
    /// How long a delivery to a saturated endpoint waits before trying again.
    pub defer_delay: Duration,
    /// An endpoint failing for this long is disabled.
    pub disable_after: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            retry_schedule: SVIX_RETRY_SCHEDULE.to_vec(),
            jitter: 0.2,
            endpoint_concurrency: 16,
            defer_delay: Duration::from_secs(1),
            disable_after: Duration::from_secs(5 * 24 * 3600),
        }
    }
}

pub struct DeliveryEngine {
    store: Arc<dyn WebhookStore>,
    transport: Arc<dyn WebhookTransport>,
    scheduler: Arc<dyn DeliveryScheduler>,
    settings: DeliverySettings,
    slots: EndpointSlots,
}

/// What became of one delivery: attempted (recorded, maybe to retry), or deferred (endpoint busy).
enum Outcome {
    Attempted(Judged),
    Deferred(DeliveryTask),
}

impl DeliveryEngine {
    pub fn new(
        store: Arc<dyn WebhookStore>,
        transport: Arc<dyn WebhookTransport>,
        scheduler: Arc<dyn DeliveryScheduler>,
        settings: DeliverySettings,
    ) -> Self {
        let slots = EndpointSlots::new(settings.endpoint_concurrency);
        Self { store, transport, scheduler, settings, slots }
    }

    async fn deliver(&self, task: DeliveryTask, message: &NewMessage, endpoint: &StoredEndpoint) -> Outcome {
        let Some(_slot) = self.slots.try_take(endpoint.id) else {
            return Outcome::Deferred(task);
        };
        let now = clock::now();
        let span = tracing::info_span!(
            "webhook.delivery",
            otel.kind = "client",
            endpoint = %endpoint.id,
            message = %message.id,
            attempt = task.attempt,
            http.response.status_code = tracing::field::Empty,
        );
        let response = self.transport.post(attempt::request(message, endpoint, now)).instrument(span.clone()).await;
        if let Some(status) = response.status_code {
            span.record("http.response.status_code", status);
        }
        if response.refused {
            tracing::warn!(endpoint = %endpoint.id, reason = %response.body, "delivery refused by the address guard");
        }
        Outcome::Attempted(attempt::judge(task, message, endpoint, response, now, &self.settings.retry_schedule))
    }

    /// Records the attempts, then schedules retries and deferred deliveries.
    async fn settle(&self, outcomes: Vec<Outcome>) -> Result<(), String> {
        let mut records: Vec<AttemptRecord> = Vec::new();
        let mut later: Vec<(DeliveryTask, Duration, Duration)> = Vec::new();
        for outcome in outcomes {
            match outcome {
                Outcome::Attempted(Judged { record, retry }) => {
                    records.push(record);
                    if let Some((task, tier)) = retry {
                        later.push((task, tier, attempt::jittered(tier, self.settings.jitter)));
                    }
                }
                Outcome::Deferred(task) => later.push((task, self.settings.defer_delay, self.settings.defer_delay)),
            }
        }
        if !records.is_empty() {
            // Never panics: a period longer than time itself means "since the beginning".
            let failing_since = chrono::Duration::from_std(self.settings.disable_after)
                .ok()
                .and_then(|period| clock::now().checked_sub_signed(period))
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
            let disabled = self.store.record_attempts(&records, failing_since).await.map_err(|e| e.to_string())?;
            for endpoint in disabled {
                tracing::warn!(%endpoint, "webhook endpoint disabled (410 Gone or failing too long)");
            }
        }
        for (task, tier, delay) in later {
            self.scheduler.schedule(task, tier, delay).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Runs one scheduled attempt. `Err` means the infrastructure failed and the task must be retried.
    pub async fn run_task(&self, task: DeliveryTask) -> Result<(), String> {
        let target = self.store.delivery_target(task.message_id, task.endpoint_id).await.map_err(|e| e.to_string())?;
        let Some((message, endpoint)) = target else {
            // The endpoint was deleted meanwhile, or the message outlived its retention.
            tracing::info!(message = %task.message_id, endpoint = %task.endpoint_id, "delivery dropped: nothing to deliver");
            return Ok(());
        };
        if !task.resend && (endpoint.disabled || !endpoint.subscribes_to(message.kind)) {
            return Ok(());
        }
        let outcome = self.deliver(task, &message, &endpoint).await;
        self.settle(vec![outcome]).await
    }
}

#[async_trait]
impl WebhookSender for DeliveryEngine {
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError> {
        let transient = |reason: String| SendError::Transient { reason, retry_after: None };
        let body = serde_json::to_string(&event.body()).map_err(|e| SendError::Permanent(e.to_string()))?;
        let message = NewMessage { id: event.id, organization_id: event.organization_id, kind: event.kind, body };
        let (body, endpoints) = self.store.accept_message(&message).await.map_err(|error| match error {
            RepoError::Conflict(conflict) => SendError::Permanent(conflict.message),
            other => transient(other.to_string()),
        })?;
        let message = NewMessage { body, ..message };
        let deliveries = endpoints.iter().map(|endpoint| {
            let task = DeliveryTask { message_id: message.id, endpoint_id: endpoint.id, attempt: 1, resend: false };
            self.deliver(task, &message, endpoint)
        });
        let outcomes = join_all(deliveries).await;
        self.settle(outcomes).await.map_err(transient)
    }

    async fn ensure_organization(&self, _organization: &Organization) -> Result<(), SendError> {
        Ok(())
    }
}

/// Consumes scheduled `DeliveryTask`s (the deliveries queue).
pub struct DeliveryTaskHandler {
    engine: Arc<DeliveryEngine>,
}

impl DeliveryTaskHandler {
    pub fn new(engine: Arc<DeliveryEngine>) -> Self {
        Self { engine }
    }
}

#[async_trait]
impl MessageHandler for DeliveryTaskHandler {
    async fn handle(&self, body: &[u8]) -> Disposition {
        let task: DeliveryTask = match serde_json::from_slice(body) {
            Ok(task) => task,
            Err(error) => return Disposition::DeadLetter { reason: format!("not a delivery task: {error}") },
        };
        match self.engine.run_task(task).await {
            Ok(()) => Disposition::Ack,
            Err(reason) => Disposition::Retry { reason, after: None },
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
