//! `BuiltinWebhookManagement`: the webhook API on the engine's own tables.

use super::secret::generate_secret;
use crate::endpoint::{EndpointId, SigningSecret, WebhookUrl};
use crate::ports::delivery::{DeliveryScheduler, DeliveryTask, Endpoint, MessageEvent, NewMessage, WebhookStore};
use async_trait::async_trait;
use futures::{StreamExt, stream};
use kaiten_application::error::{Conflict, RepoError};
use kaiten_application::ports::webhook_management::{
    RecoveryProgress, RecoveryRecord, RecoveryStart, WebhookManagement,
};
use kaiten_contract::EventContract;
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, EndpointDraft, EndpointPatch, EndpointRef, HistoryFilter, WebhookEndpoint,
    WebhookMessage, webhook_message_id,
};
use kaiten_domain::webhook_headers::keep_stored_values;
use kaiten_domain::webhook_recovery::{MAX_RECOVERY_MESSAGES, RecoveryKind, RecoveryStatus, RecoveryWindow};
use kaiten_domain::webhook_secret_rotation::SecretRotation;
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::webhook_test_send::TestSendAccepted;
use kaiten_domain::{EventKind, Page, Paged, clock};
use std::sync::Arc;
use uuid::Uuid;

/// How many tasks of one recovery are handed to the scheduler at the same time.
const CONCURRENT_SCHEDULES: usize = 16;

pub struct BuiltinWebhookManagement {
    store: Arc<dyn WebhookStore>,
    scheduler: Arc<dyn DeliveryScheduler>,
}

/// A header given without a value that the endpoint does not have (422).
fn no_value_to_keep(name: String) -> RepoError {
    RepoError::Invalid(Conflict::new(
        "header_without_value",
        format!("the endpoint has no header `{name}` whose value could be kept: give its value"),
    ))
}

impl BuiltinWebhookManagement {
    pub fn new(store: Arc<dyn WebhookStore>, scheduler: Arc<dyn DeliveryScheduler>) -> Self {
        Self { store, scheduler }
    }

    async fn resend_targets(
        &self,
        organization_id: Uuid,
        event: MessageEvent,
        endpoint: Option<EndpointRef>,
    ) -> Result<Vec<Endpoint>, RepoError> {
        let Some(raw) = endpoint else {
            if event.test {
                return Err(RepoError::Conflict(Conflict::new(
                    "test_message",
                    "a test send goes to one endpoint only: resend it with its endpointId",
                )));
            }
            let endpoints = self.store.enabled_endpoints(organization_id).await?;
            let receives = |endpoint: &Endpoint| endpoint.receives(event);
            return Ok(endpoints.into_iter().filter(receives).collect());
        };
        let endpoint = self.enabled_endpoint(organization_id, &raw, "resending").await?;
        if event.about_endpoint == Some(endpoint.id) {
            return Err(RepoError::Conflict(Conflict::new(
                "about_this_endpoint",
                "an operational event never goes to the endpoint it is about",
            )));
        }
        Ok(vec![endpoint])
    }

    /// The endpoint, unless it is unknown (`NotFound`) or disabled (`Conflict`).
    async fn enabled_endpoint(
        &self,
        organization_id: Uuid,
        raw: &EndpointRef,
        doing: &str,
    ) -> Result<Endpoint, RepoError> {
        let id = EndpointId::from_ref(raw).ok_or(RepoError::NotFound)?;
        let endpoint = self.store.find_endpoint(organization_id, id).await?.ok_or(RepoError::NotFound)?;
        if endpoint.disabled {
            return Err(RepoError::Conflict(Conflict::new(
                "endpoint_disabled",
                format!("the endpoint is disabled; enable it (PUT with disabled: false) before {doing}"),
            )));
        }
        Ok(endpoint)
    }
}

#[async_trait]
impl WebhookManagement for BuiltinWebhookManagement {
    async fn create_endpoint(
        &self,
        organization_id: Uuid,
        draft: EndpointDraft,
        max_endpoints: usize,
    ) -> Result<WebhookEndpoint, RepoError> {
        let now = clock::now();
        let endpoint = Endpoint {
            id: EndpointId::new(Uuid::now_v7()),
            organization_id,
            url: WebhookUrl::stored(draft.url),
            description: draft.description,
            events: draft.events,
            scope: draft.scope,
            disabled: draft.disabled,
            secret: SigningSecret::new(generate_secret()),
            previous_secret: None,
            headers: draft.headers,
            paused_until: None,
            rate_limit: draft.rate_limit,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_endpoint(&endpoint, max_endpoints).await?;
        Ok(endpoint.to_api())
    }

    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<WebhookEndpoint>, RepoError> {
        let listed = self.store.list_endpoints(organization_id, page).await?;
        Ok(listed.map(|stored| stored.to_api()))
    }

    async fn get_endpoint(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let Some(id) = EndpointId::from_ref(id) else { return Ok(None) };
        Ok(self.store.find_endpoint(organization_id, id).await?.map(|endpoint| endpoint.to_api()))
    }

    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        patch: EndpointPatch,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let Some(id) = EndpointId::from_ref(id) else { return Ok(None) };
        let mut patch = patch;
        if let Some(headers) = patch.headers.take_if(|headers| headers.iter().any(|h| h.value.is_none())) {
            let Some(stored) = self.store.find_endpoint(organization_id, id).await? else { return Ok(None) };
            patch.headers = Some(keep_stored_values(headers, &stored.headers).map_err(no_value_to_keep)?);
        }
        Ok(self.store.update_endpoint(organization_id, id, patch, None).await?.map(|endpoint| endpoint.to_api()))
    }

    async fn delete_endpoint(&self, organization_id: Uuid, id: &EndpointRef) -> Result<bool, RepoError> {
        let Some(id) = EndpointId::from_ref(id) else { return Ok(false) };
        self.store.delete_endpoint(organization_id, id).await
    }

    async fn rotate_secret(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        rotation: SecretRotation,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let Some(id) = EndpointId::from_ref(id) else { return Ok(None) };
        let rotation = Some((generate_secret(), clock::now() + rotation.overlap));
        let patch = EndpointPatch::default();
        Ok(self.store.update_endpoint(organization_id, id, patch, rotation).await?.map(|endpoint| endpoint.to_api()))
    }

    async fn history(&self, organization_id: Uuid, filter: HistoryFilter) -> Result<Paged<DeliveryAttempt>, RepoError> {
        if filter.endpoint_id.as_ref().is_some_and(|id| EndpointId::from_ref(id).is_none()) {
            return Ok(Paged::all(vec![]));
        }
        self.store.history(organization_id, &filter).await
    }

    async fn message(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        attempts: AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError> {
        if attempts.before.as_deref().is_some_and(|before| Uuid::parse_str(before).is_err()) {
            return Ok(None);
        }
        self.store.message(organization_id, event_id, &attempts).await
    }

    /// Takes the messages (at most [`MAX_RECOVERY_MESSAGES`]) and schedules each as the next attempt
    /// of its delivery chain; what could not be scheduled is put back, and the error returned.
    async fn recover(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        task_id: Uuid,
        kind: RecoveryKind,
        window: RecoveryWindow,
    ) -> Result<RecoveryStart, RepoError> {
        let endpoint = self.enabled_endpoint(organization_id, endpoint_id, "recovering").await?;
        let (deliveries, more) =
            self.store.take_for_recovery(endpoint.id, task_id, kind, window, MAX_RECOVERY_MESSAGES).await?;
        let scheduled: Vec<(Uuid, bool)> = stream::iter(deliveries)
            .map(|(message_id, attempt)| async move {
                let task = DeliveryTask {
                    message_id,
                    endpoint_id: endpoint.id,
                    attempt,
                    resend: false,
                    due_at_ms: None,
                    rate_slot_ms: None,
                };
                (message_id, self.scheduler.schedule(task).await.is_ok())
            })
            .buffer_unordered(CONCURRENT_SCHEDULES)
            .collect()
            .await;
        let unscheduled: Vec<Uuid> = scheduled.iter().filter(|(_, ok)| !ok).map(|(id, _)| *id).collect();
        if !unscheduled.is_empty() {
            self.store.put_back_recovery(endpoint.id, kind, &unscheduled).await?;
            return Err(RepoError::Unavailable(format!(
                "the broker took {} of {} messages; nothing else was sent again: ask again",
                scheduled.len() - unscheduled.len(),
                scheduled.len()
            )));
        }
        let queued = i64::try_from(scheduled.len()).unwrap_or(i64::MAX);
        Ok(RecoveryStart { queued: Some(queued), more, backend_task_id: None })
    }

    async fn recovery_progress(&self, recovery: &RecoveryRecord) -> Result<RecoveryProgress, RepoError> {
        let (succeeded, failed, pending) = self.store.recovery_progress(recovery.id).await?;
        let status = if pending > 0 { RecoveryStatus::Running } else { RecoveryStatus::Finished };
        Ok(RecoveryProgress { status, succeeded: Some(succeeded), failed: Some(failed), pending: Some(pending) })
    }

    async fn resend(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        endpoint_id: Option<EndpointRef>,
    ) -> Result<usize, RepoError> {
        let event = self.store.message_event(organization_id, event_id).await?.ok_or(RepoError::NotFound)?;
        let targets = self.resend_targets(organization_id, event, endpoint_id).await?;
        for endpoint in &targets {
            let task = DeliveryTask {
                message_id: event_id,
                endpoint_id: endpoint.id,
                attempt: 1,
                resend: true,
                due_at_ms: None,
                rate_slot_ms: None,
            };
            self.scheduler.schedule(task).await.map_err(|e| RepoError::Unavailable(e.to_string()))?;
        }
        Ok(targets.len())
    }

    async fn endpoint_stats(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        window: StatsWindow,
    ) -> Result<Option<EndpointStats>, RepoError> {
        let Some(id) = EndpointId::from_ref(endpoint_id) else { return Ok(None) };
        if self.store.find_endpoint(organization_id, id).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(self.store.endpoint_stats(id, &window).await?))
    }

    /// The test message is stored, then its one attempt scheduled like a resend to that endpoint (the
    /// worker signs and sends it and records the attempt). Should scheduling fail, the message stays
    /// stored without attempts and the caller gets a 503.
    async fn send_test(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        kind: EventKind,
    ) -> Result<TestSendAccepted, RepoError> {
        let endpoint = self.enabled_endpoint(organization_id, endpoint_id, "sending a test").await?;
        let id = Uuid::now_v7();
        let body = kind.test_body(id, clock::now()).to_string();
        let message = NewMessage { id, organization_id, kind, customer_id: None, about_endpoint: None, body };
        self.store.insert_test_message(&message).await?;
        let task = DeliveryTask {
            message_id: id,
            endpoint_id: endpoint.id,
            attempt: 1,
            resend: true,
            due_at_ms: None,
            rate_slot_ms: None,
        };
        self.scheduler.schedule(task).await.map_err(|e| RepoError::Unavailable(e.to_string()))?;
        Ok(TestSendAccepted { event_id: Some(id.to_string()), message_id: webhook_message_id(id) })
    }
}
