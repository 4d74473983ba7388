//! `DeliveryEngine`: the built-in `WebhookSender`. An attempt is made only under a claim (a lease no
//! other process can take while it runs): the first attempts of a message, to every endpoint it goes
//! to, under a claim on the message when the event is handed over; each later one under a claim on
//! its (message, endpoint) delivery, from the `DeliveryTask` that is still that delivery's next
//! attempt (any other task is stale). So re-dispatched, replayed or redelivered events, duplicate
//! tasks and several workers never start a second attempt chain. What follows an attempt (the next
//! task) is scheduled before the attempt is stored; an attempt whose follow-up could not be scheduled
//! is not stored, and its claim lapses so that the redelivered event or task makes it again. Each
//! attempt runs in its own span, a child of the span the event or the task is handled in.

use super::attempt::{self, Made};
use super::rate::{self, Deferral};
use super::slots::EndpointSlots;
use crate::endpoint::EndpointId;
use crate::ports::delivery::{
    Claim, DeliveryScheduler, DeliveryTask, Endpoint, Lease, NewMessage, NextStep, SCHEDULING_PRECISION, Settlement,
    TaskClaim, WebhookStore, WebhookTransport,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::future::join_all;
use kaiten_application::error::RepoError;
use kaiten_application::ports::event_bus::{BusError, Disposition, MessageHandler};
use kaiten_application::ports::timer::Timer;
use kaiten_application::ports::webhooks::{SendError, WebhookEvent, WebhookSender};
use kaiten_domain::clock;
use kaiten_domain::organization::Organization;
use std::sync::Arc;
use tracing::Instrument;

use super::settings::DeliverySettings;

pub struct DeliveryEngine {
    store: Arc<dyn WebhookStore>,
    transport: Arc<dyn WebhookTransport>,
    scheduler: Arc<dyn DeliveryScheduler>,
    settings: DeliverySettings,
    slots: EndpointSlots,
    /// Bounds how long a delivery waits for a slot of its endpoint (without it: how many wait).
    timer: Option<Arc<dyn Timer>>,
}

/// The outcome of one delivery and the task that must be scheduled before it is stored.
struct Delivered {
    settlement: Settlement,
    follow_up: Option<DeliveryTask>,
}

fn task_due(message_id: uuid::Uuid, endpoint_id: EndpointId, attempt: u32, due: DateTime<Utc>) -> DeliveryTask {
    DeliveryTask {
        message_id,
        endpoint_id,
        attempt,
        resend: false,
        due_at_ms: Some(due.timestamp_millis()),
        rate_slot_ms: None,
    }
}

fn store_error(error: RepoError) -> SendError {
    match error {
        RepoError::Conflict(conflict) => SendError::Permanent(conflict.message),
        RepoError::Unavailable(reason) => SendError::Unavailable { dependency: "database", reason },
        other => SendError::Transient { reason: other.to_string(), retry_after: None },
    }
}

fn broker_error(error: BusError) -> SendError {
    match error {
        BusError::Unavailable(reason) => SendError::Unavailable { dependency: "broker", reason },
        BusError::Refused(reason) => SendError::Transient { reason, retry_after: None },
    }
}

impl DeliveryEngine {
    pub fn new(
        store: Arc<dyn WebhookStore>,
        transport: Arc<dyn WebhookTransport>,
        scheduler: Arc<dyn DeliveryScheduler>,
        settings: DeliverySettings,
    ) -> Self {
        let slots = EndpointSlots::new(settings.endpoint_concurrency);
        Self { store, transport, scheduler, settings, slots, timer: None }
    }

    /// Deliveries wait for a slot of a saturated endpoint up to `settings.slot_wait` on `timer`.
    pub fn with_timer(self, timer: Arc<dyn Timer>) -> Self {
        Self { timer: Some(timer), ..self }
    }

    /// Makes one attempt, or says until when it is deferred: the endpoint asked for a pause
    /// (`Retry-After`), too many wait for it in this process, or its rate limit puts its turn later
    /// (`rate_slot`: the turn the delivery already holds).
    async fn attempt(
        &self,
        message: &NewMessage,
        endpoint: &Endpoint,
        made: Made,
        rate_slot: Option<DateTime<Utc>>,
    ) -> Result<Delivered, Deferral> {
        if let Some(paused) = endpoint.paused_until.filter(|until| *until > made.at) {
            return Err(Deferral::to(paused));
        }
        let wait = self.timer.as_deref().map(|timer| (timer, self.settings.slot_wait));
        let defer_delay = chrono::Duration::from_std(self.settings.defer_delay).unwrap_or_default();
        // Deferred for a busy process, a delivery keeps the send slot it holds (taken anew if it is
        // past by then).
        let busy = || Deferral { due: clock::now() + defer_delay, rate_slot };
        let _slot = self.slots.take(endpoint.id, wait).await.ok_or_else(busy)?;
        let (store, timer) = (self.store.as_ref(), self.timer.as_deref());
        let (wait, retry) = (self.settings.slot_wait, self.settings.defer_delay);
        rate::await_send_slot(store, timer, endpoint, rate_slot, wait, retry).await?;
        let made = Made { at: clock::now(), ..made };
        let span = tracing::info_span!(
            "webhook.delivery",
            otel.kind = "client",
            endpoint = %endpoint.id,
            message = %message.id,
            attempt = made.attempt,
            http.response.status_code = tracing::field::Empty,
        );
        let request = attempt::request(message, endpoint, made.at);
        let response = self.transport.post(request).instrument(span.clone()).await;
        if let Some(status) = response.status_code {
            span.record("http.response.status_code", status);
        }
        if response.refused {
            tracing::warn!(endpoint = %endpoint.id, "delivery refused by the address guard");
        }
        let (record, next) =
            attempt::judge(made, message, endpoint, response, &self.settings.retry_schedule, self.settings.jitter);
        let follow_up = match next {
            NextStep::RetryAt(due) if !made.resend => Some(task_due(message.id, endpoint.id, made.attempt + 1, due)),
            _ => None,
        };
        let lease = None;
        let settlement =
            Settlement { message_id: message.id, endpoint_id: endpoint.id, lease, attempt: Some(record), next };
        Ok(Delivered { settlement, follow_up })
    }

    /// The attempt a claim allows, or its deferral (keeping the send slot it holds, if any).
    async fn deliver(&self, message: &NewMessage, claim: Claim, rate_slot: Option<DateTime<Utc>>) -> Delivered {
        let made = Made { attempt: claim.attempt, resend: false, at: clock::now() };
        match self.attempt(message, &claim.endpoint, made, rate_slot).await {
            Ok(mut delivered) => {
                delivered.settlement.lease = Some(claim.lease);
                delivered
            }
            Err(Deferral { due, rate_slot }) => {
                let (message_id, endpoint_id) = (message.id, claim.endpoint.id);
                let follow_up = DeliveryTask {
                    rate_slot_ms: rate_slot.map(|slot| slot.timestamp_millis()),
                    ..task_due(message_id, endpoint_id, claim.attempt, due)
                };
                Delivered {
                    settlement: Settlement {
                        message_id,
                        endpoint_id,
                        lease: Some(claim.lease),
                        attempt: None,
                        next: NextStep::DeferredTo(due),
                    },
                    follow_up: Some(follow_up),
                }
            }
        }
    }

    /// Schedules each follow-up, then stores every outcome whose follow-up is secured; one whose
    /// follow-up could not be scheduled stays claimed until its lease lapses, and is made again then.
    /// The first attempts of a message are settled together or not at all (they share one claim).
    async fn settle(&self, delivered: Vec<Delivered>) -> Result<(), SendError> {
        let mut secured = Vec::with_capacity(delivered.len());
        let mut unscheduled = None;
        for Delivered { settlement, follow_up } in delivered {
            match follow_up {
                Some(task) => match self.scheduler.schedule(task).await {
                    Ok(()) => secured.push(settlement),
                    Err(error) => unscheduled = Some(broker_error(error)),
                },
                None => secured.push(settlement),
            }
        }
        if unscheduled.is_some() {
            secured.retain(|settlement| !matches!(settlement.lease, Some(Lease::Message(_))));
        }
        if !secured.is_empty() {
            // Never panics: a period longer than time itself means "since the beginning".
            let failing_since = chrono::Duration::from_std(self.settings.disable_after)
                .ok()
                .and_then(|period| clock::now().checked_sub_signed(period))
                .unwrap_or(DateTime::<Utc>::MIN_UTC);
            let disabled = self.store.settle(&secured, failing_since).await.map_err(store_error)?;
            for endpoint in disabled {
                tracing::warn!(%endpoint, "webhook endpoint disabled (410 Gone or failing too long)");
            }
        }
        unscheduled.map_or(Ok(()), Err)
    }

    /// Runs one scheduled task: a resend (one attempt, outside the chain) or the next attempt of a
    /// delivery, if it still is; one handed back before it is due is scheduled again.
    pub async fn run_task(&self, task: DeliveryTask) -> Result<(), SendError> {
        let precision = chrono::Duration::from_std(SCHEDULING_PRECISION).unwrap_or_default();
        if task.due_at().is_some_and(|due| due > clock::now() + precision) {
            return self.scheduler.schedule(task).await.map_err(broker_error);
        }
        if task.resend {
            return self.resend(task).await;
        }
        match self.store.claim_task(&task, self.settings.claim_lease()).await.map_err(store_error)? {
            TaskClaim::Claimed(claimed) => {
                let (message, claim) = *claimed;
                let delivered = self.deliver(&message, claim, task.rate_slot()).await;
                self.settle(vec![delivered]).await
            }
            // Its holder is still settling (or died): look again within a second, or when the claim lapses.
            TaskClaim::ClaimedElsewhere(until) => {
                let due = until.min(clock::now() + chrono::Duration::seconds(1));
                let again = DeliveryTask { due_at_ms: Some(due.timestamp_millis()), ..task };
                self.scheduler.schedule(again).await.map_err(broker_error)
            }
            TaskClaim::Stale => Ok(()),
        }
    }

    async fn resend(&self, task: DeliveryTask) -> Result<(), SendError> {
        let target = self.store.delivery_target(task.message_id, task.endpoint_id).await.map_err(store_error)?;
        let Some((message, endpoint)) = target else {
            // The endpoint was deleted meanwhile, or the message outlived its retention.
            tracing::info!(message = %task.message_id, endpoint = %task.endpoint_id, "resend dropped: nothing to deliver");
            return Ok(());
        };
        let made = Made { attempt: task.attempt, resend: true, at: clock::now() };
        match self.attempt(&message, &endpoint, made, task.rate_slot()).await {
            Ok(delivered) => self.settle(vec![delivered]).await,
            Err(Deferral { due, rate_slot }) => {
                let rate_slot_ms = rate_slot.map(|slot| slot.timestamp_millis());
                let later = DeliveryTask { due_at_ms: Some(due.timestamp_millis()), rate_slot_ms, ..task };
                self.scheduler.schedule(later).await.map_err(broker_error)
            }
        }
    }
}

#[async_trait]
impl WebhookSender for DeliveryEngine {
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError> {
        let body = serde_json::to_string(&event.body()).map_err(|e| SendError::Permanent(e.to_string()))?;
        let message = NewMessage {
            id: event.id,
            organization_id: event.organization_id,
            kind: event.kind,
            customer_id: event.customer.as_ref().map(|customer| customer.id),
            about_endpoint: event.about_endpoint().and_then(|id| uuid::Uuid::parse_str(id).ok()).map(EndpointId::new),
            body,
        };
        let accepted = self.store.accept_message(&message, self.settings.claim_lease()).await.map_err(store_error)?;
        let message = NewMessage { body: accepted.body, ..message };
        let delivered = join_all(accepted.claims.into_iter().map(|claim| self.deliver(&message, claim, None))).await;
        self.settle(delivered).await?;
        // Another process is making the first attempts (or died doing so): look again after its claim.
        match accepted.claimed_elsewhere_until {
            None => Ok(()),
            Some(until) => {
                let wait = (until - clock::now()).to_std().unwrap_or_default() + std::time::Duration::from_secs(1);
                let reason = "the first attempts are being made by another process".to_owned();
                Err(SendError::Later { reason, after: wait })
            }
        }
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
        self.engine.run_task(task).await.map_or_else(Disposition::from_send_error, |()| Disposition::Ack)
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
