//! `SvixOperationalInbox`: the operational webhooks a Svix server sends about the organizations'
//! endpoints, turned into Kaiten's operational events. svix-server sends them when its
//! `operational_webhook_address` is set (Svix Cloud from its dashboard), signed with the secret of
//! the endpoint that receives them; Kaiten verifies that signature, reads `endpoint.disabled` and
//! `message.attempt.exhausted` (the rest is acknowledged and ignored) and writes the event to the
//! outbox, keyed by the webhook's id so a report sent twice is written once. What the report lacks
//! (the endpoint's URL, the event's type, the number of attempts) is read from Svix.

use crate::mapping::{event_name, is_plausible_id};
use crate::svix_errors::found;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_application::error::RepoError;
use kaiten_application::ports::operational_events::{
    InboxError, InboxOutcome, OperationalEventLog, OperationalWebhookInbox, SignedWebhook,
};
use kaiten_contract::operational::{DisableReason, EndpointDisabled, LastAttempt, MessageAttemptExhausted};
use kaiten_domain::{EventKind, OutboxEvent};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use svix::api::{MessageAttemptListByMsgOptions, MessageGetOptions, Svix};
use svix::models::MessageAttemptTriggerType;
use svix::webhooks::{Webhook, WebhookError};
use uuid::Uuid;

/// The namespace of the event ids derived from reports' webhook ids (UUID v5).
const REPORT_NAMESPACE: Uuid = Uuid::from_u128(0x6b61_6974_656e_4f70_8000_7376_6978_0001);
/// At most this many attempts of one message to one endpoint are counted (one page).
const MAX_ATTEMPTS_COUNTED: u64 = 250;

/// A report: its `type` names the shape of its `data`.
#[derive(Deserialize)]
struct Report {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DisabledReport {
    app_uid: Option<String>,
    endpoint_id: String,
    fail_since: Option<DateTime<Utc>>,
    /// Svix Cloud's `automatic` or `manual`; svix-server sends none (it reports automatic ones only).
    trigger: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExhaustedReport {
    app_uid: Option<String>,
    msg_id: String,
    msg_event_id: Option<String>,
    endpoint_id: String,
    last_attempt: ReportedAttempt,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportedAttempt {
    id: String,
    response_status_code: i32,
    timestamp: DateTime<Utc>,
}

pub struct SvixOperationalInbox {
    verifier: Webhook,
    svix: Svix,
    log: Arc<dyn OperationalEventLog>,
}

/// A failed lookup or write: an outage is retried by Svix (503); anything else would fail the same
/// way every time, so the report is acknowledged and the error logged rather than have Svix retry
/// it for days and disable the endpoint that feeds Kaiten every report.
fn lookup_failed(error: RepoError) -> Result<Option<OutboxEvent>, InboxError> {
    match error {
        RepoError::Unavailable(reason) => Err(InboxError::Unavailable(reason)),
        other => {
            tracing::error!(error = %other, "a Svix operational webhook could not be read and is ignored");
            Ok(None)
        }
    }
}

/// The operational event of `kind` with `data` for the organization.
fn event<T: serde::Serialize>(
    kind: EventKind,
    organization_id: Uuid,
    data: &T,
) -> Result<Option<OutboxEvent>, RepoError> {
    let event = OutboxEvent::of(kind, organization_id, data, None);
    event.map(Some).map_err(|error| RepoError::Unexpected(error.to_string()))
}

/// The organization of an application uid (Kaiten's applications are named by organization id).
fn organization_of(app_uid: Option<&str>) -> Option<Uuid> {
    app_uid.and_then(|uid| Uuid::parse_str(uid).ok())
}

impl SvixOperationalInbox {
    /// `secret`: the signing secret (`whsec_…`) of the endpoint Svix sends the reports to.
    pub fn new(
        secret: &str,
        svix: &crate::SvixWebhookSender,
        log: Arc<dyn OperationalEventLog>,
    ) -> Result<Self, WebhookError> {
        let verifier = Webhook::new(secret)?;
        Ok(Self { verifier, svix: svix.client(), log })
    }

    fn verify(&self, webhook: &SignedWebhook) -> Result<(), InboxError> {
        let mut headers = http::HeaderMap::new();
        for (name, value) in [
            ("webhook-id", &webhook.id),
            ("webhook-timestamp", &webhook.timestamp),
            ("webhook-signature", &webhook.signature),
        ] {
            let value = http::HeaderValue::from_str(value)
                .map_err(|_| InboxError::Unauthenticated(format!("{name} is not a header value")))?;
            headers.insert(name, value);
        }
        self.verifier.verify(&webhook.body, &headers).map_err(|error| InboxError::Unauthenticated(error.to_string()))
    }

    async fn endpoint_url(&self, app: &str, endpoint_id: &str) -> Result<Option<String>, RepoError> {
        if !is_plausible_id(endpoint_id) {
            return Ok(None);
        }
        let endpoint = found(self.svix.endpoint().get(app.to_owned(), endpoint_id.to_owned()).await)?;
        Ok(endpoint.map(|endpoint| endpoint.url))
    }

    /// An automatic disable only: one made through Kaiten's API is reported by Kaiten itself, and
    /// one made in Svix's own tools is not reported (Svix Cloud tells them apart by `trigger`).
    async fn disabled(&self, report: DisabledReport) -> Result<Option<OutboxEvent>, RepoError> {
        let Some(organization_id) = organization_of(report.app_uid.as_deref()) else { return Ok(None) };
        if report.trigger.as_deref().is_some_and(|trigger| trigger != "automatic") {
            return Ok(None);
        }
        let app = organization_id.to_string();
        let Some(url) = self.endpoint_url(&app, &report.endpoint_id).await? else { return Ok(None) };
        let data = EndpointDisabled {
            endpoint_id: report.endpoint_id,
            url,
            reason: DisableReason::Failing,
            failing_since: report.fail_since,
            disabled_at: kaiten_domain::clock::now(),
        };
        event(EventKind::WebhookEndpointDisabled, organization_id, &data)
    }

    /// A message of a domain event only: a test send (no event id) or an operational message that
    /// ran out of retries is not reported, as on the built-in engine.
    async fn exhausted(&self, report: ExhaustedReport) -> Result<Option<OutboxEvent>, RepoError> {
        let Some(organization_id) = organization_of(report.app_uid.as_deref()) else { return Ok(None) };
        let Some(event_id) = report.msg_event_id.as_deref().and_then(|id| Uuid::parse_str(id).ok()) else {
            return Ok(None);
        };
        let app = organization_id.to_string();
        if !is_plausible_id(&report.msg_id) {
            return Ok(None);
        }
        let options = MessageGetOptions { with_content: Some(false) };
        let message = found(self.svix.message().get(app.clone(), report.msg_id.clone(), Some(options)).await)?;
        let Some(message) = message else { return Ok(None) };
        if EventKind::from_type(&message.event_type).is_none_or(EventKind::is_operational) {
            return Ok(None);
        }
        let Some(url) = self.endpoint_url(&app, &report.endpoint_id).await? else { return Ok(None) };
        let options = MessageAttemptListByMsgOptions {
            limit: Some(MAX_ATTEMPTS_COUNTED),
            endpoint_id: Some(report.endpoint_id.clone()),
            ..MessageAttemptListByMsgOptions::default()
        };
        let listed = found(self.svix.message_attempt().list_by_msg(app, report.msg_id.clone(), Some(options)).await);
        let attempts = listed?.map_or(0, |listed| {
            listed.data.iter().filter(|attempt| attempt.trigger_type == MessageAttemptTriggerType::Scheduled).count()
        });
        let data = MessageAttemptExhausted {
            endpoint_id: report.endpoint_id,
            url,
            event_id,
            message_id: report.msg_id,
            event_name: event_name(&message.event_type),
            event_type: message.event_type,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            last_attempt: LastAttempt {
                id: report.last_attempt.id,
                timestamp: report.last_attempt.timestamp,
                // Svix records 0 when no response came back.
                response_status_code: (report.last_attempt.response_status_code != 0)
                    .then_some(report.last_attempt.response_status_code),
            },
        };
        event(EventKind::WebhookMessageAttemptExhausted, organization_id, &data)
    }
}

#[async_trait]
impl OperationalWebhookInbox for SvixOperationalInbox {
    async fn receive(&self, webhook: SignedWebhook) -> Result<InboxOutcome, InboxError> {
        self.verify(&webhook)?;
        let invalid = |error: serde_json::Error| InboxError::Invalid(error.to_string());
        let report: Report = serde_json::from_slice(&webhook.body).map_err(invalid)?;
        let read = match report.kind.as_str() {
            "endpoint.disabled" => self.disabled(serde_json::from_value(report.data).map_err(invalid)?).await,
            "message.attempt.exhausted" => self.exhausted(serde_json::from_value(report.data).map_err(invalid)?).await,
            _ => Ok(None),
        };
        let event = read.or_else(lookup_failed)?;
        let Some(event) = event else { return Ok(InboxOutcome::Ignored) };
        // Keyed by the report: the same report sent again is the same event.
        let event = OutboxEvent { id: Uuid::new_v5(&REPORT_NAMESPACE, webhook.id.as_bytes()), ..event };
        let written = self.log.record(&event).await.map_err(|error| InboxError::Unavailable(error.to_string()))?;
        Ok(if written { InboxOutcome::Recorded } else { InboxOutcome::AlreadyRecorded })
    }
}
