//! Svix adapter: the `WebhookSender` port on Svix (Svix Cloud, or a self-hosted svix-server through
//! `SVIX_SERVER_URL`). One Svix application per organization (`uid` = organization id), get-or-created
//! when the organization is created and again on demand; the catalog's event types registered at
//! start with the JSON Schemas of their data; each event sent as one message with `eventId` = outbox id and the same idempotency key, so
//! a redelivered event never becomes a second message. The `WebhookManagement` port (endpoints,
//! delivery history, payload inspection, resending) is `SvixWebhookManagement`, on the same client.
//! Operational events reach their subscribers through `operational_delivery`; Svix's own reports of
//! disabled endpoints and exhausted messages come in through `SvixOperationalInbox`.

mod attempts;
mod channels;
mod endpoint_state_events;
mod headers;
mod management;
mod mapping;
mod messages;
mod operational_delivery;
mod operational_inbox;
mod recovery;
mod registration;
mod scope_patch;
mod secrets;
mod stats;
mod svix_errors;

pub use management::SvixWebhookManagement;
pub use operational_inbox::SvixOperationalInbox;
pub use registration::EventTypeRegistration;

use async_trait::async_trait;
use kaiten_application::RepoError;
use kaiten_application::ports::webhooks::{EventOwners, SendError, WebhookEvent, WebhookSender};
use kaiten_contract::EventContract;
use kaiten_domain::catalog::CATALOG;
use kaiten_domain::organization::Organization;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use svix::api::{MessageCreateOptions, Svix, SvixOptions};
use svix::error::{Error, HttpErrorContent};
use svix::models::{ApplicationIn, EventTypeUpsertIn, MessageIn};
use svix_errors::status_of;

pub struct SvixWebhookSender {
    svix: Svix,
    /// Which organization each event id belongs to (Svix keeps ids per application only).
    owners: Arc<dyn EventOwners>,
}

/// How a Svix answer maps onto the port's outcomes: Svix unreachable, rate limiting, server errors
/// and credentials an operator can fix are an outage (the event waits for Svix, however long it
/// takes); anything else is a refusal of this message.
fn classify(error: &Error) -> SendError {
    let status = match error {
        Error::Http(HttpErrorContent { status, .. }) | Error::Validation(HttpErrorContent { status, .. }) => {
            status.as_u16()
        }
        Error::Timeout { .. } | Error::Generic(_) => {
            return SendError::Unavailable { dependency: "svix", reason: format!("unreachable: {error}") };
        }
    };
    match status {
        429 | 500..=599 | 401 | 403 => {
            SendError::Unavailable { dependency: "svix", reason: format!("answered {status}: {error}") }
        }
        _ => SendError::Permanent(format!("Svix refused the message ({status}): {error}")),
    }
}

/// One client for the whole process (Svix Cloud when `server_url` is `None`). Svix's own retries are
/// off: retries are the queue's job, and the API's callers can simply ask again.
fn client(api_key: String, server_url: Option<String>) -> Svix {
    let options = SvixOptions {
        server_url,
        timeout: Some(Duration::from_secs(15)),
        num_retries: Some(0),
        ..SvixOptions::default()
    };
    Svix::new(api_key, Some(options))
}

/// The application of an organization: `uid` = organization id.
fn application_in(organization_id: String, name: String) -> ApplicationIn {
    ApplicationIn { uid: Some(organization_id), ..ApplicationIn::new(name) }
}

impl SvixWebhookSender {
    pub fn new(api_key: String, server_url: Option<String>, owners: Arc<dyn EventOwners>) -> Self {
        Self { svix: client(api_key, server_url), owners }
    }

    /// The Svix client, shared (a clone uses the same connection pool).
    pub(crate) fn client(&self) -> Svix {
        self.svix.clone()
    }

    /// The management port on the same client (and the same connection pool).
    pub fn management(&self) -> SvixWebhookManagement {
        SvixWebhookManagement::from_client(self.svix.clone())
    }

    /// Registers (creates or updates) the catalog's event types; idempotent.
    pub async fn register_event_types(&self) -> Result<(), SendError> {
        for event in CATALOG.iter() {
            let description = format!("{} ({})", event.description, event.name);
            let upsert = EventTypeUpsertIn {
                group_name: Some(event.domain.as_str().to_owned()),
                schemas: Some(serde_json::json!({"1": payload_schema(event.kind)})),
                ..EventTypeUpsertIn::new(description)
            };
            self.svix.event_type().upsert(event.event_type.to_owned(), upsert).await.map_err(|e| classify(&e))?;
        }
        Ok(())
    }

    /// The event's message as `svix_event_id` on `channels`.
    async fn create_message(
        &self,
        event: &WebhookEvent,
        svix_event_id: &str,
        channels: &BTreeSet<String>,
    ) -> Result<(), Error> {
        let message = MessageIn {
            event_id: Some(svix_event_id.to_owned()),
            channels: Some(channels.clone()),
            ..MessageIn::new(event.kind.event_type().to_owned(), event.body())
        };
        let options = MessageCreateOptions { idempotency_key: Some(svix_event_id.to_owned()), with_content: None };
        self.svix.message().create(event.organization_id.to_string(), message, Some(options)).await.map(|_| ())
    }

    /// Creates the event's message as `svix_event_id` on `channels`, and the organization's
    /// application first when Svix has none; a message Svix already has (the same id) counts as
    /// created.
    pub(crate) async fn accept_message(
        &self,
        event: &WebhookEvent,
        svix_event_id: &str,
        channels: &BTreeSet<String>,
    ) -> Result<(), SendError> {
        let first = match self.create_message(event, svix_event_id, channels).await {
            Ok(()) => return Ok(()),
            Err(error) => error,
        };
        match status_of(&first) {
            // The same eventId or idempotency key: Svix already has this message.
            Some(409) => Ok(()),
            // No application for the organization yet: create it, then send again.
            Some(404) => {
                self.ensure_application(event.organization_id.to_string(), event.organization_id.to_string()).await?;
                match self.create_message(event, svix_event_id, channels).await {
                    Ok(()) => Ok(()),
                    Err(error) if status_of(&error) == Some(409) => Ok(()),
                    Err(error) => Err(classify(&error)),
                }
            }
            _ => Err(classify(&first)),
        }
    }

    async fn ensure_application(&self, organization_id: String, name: String) -> Result<(), SendError> {
        let application = application_in(organization_id, name);
        self.svix.application().get_or_create(application, None).await.map(|_| ()).map_err(|e| classify(&e))
    }
}

#[async_trait]
impl WebhookSender for SvixWebhookSender {
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError> {
        // Svix de-duplicates an event id within one application only: an id already sent for another
        // organization must never become a message of this one.
        let owned = self.owners.claim(event.id, event.organization_id).await.map_err(|error| match error {
            RepoError::Unavailable(reason) => SendError::Unavailable { dependency: "database", reason },
            other => SendError::Transient {
                reason: format!("recording the event's organization: {other}"),
                retry_after: None,
            },
        })?;
        if !owned {
            return Err(SendError::Permanent(format!("event {} belongs to another organization", event.id)));
        }
        if event.kind.is_operational() {
            return self.send_operational(event).await;
        }
        let customer = event.customer.as_ref().map(|customer| customer.id);
        self.accept_message(event, &event.id.to_string(), &channels::message_channels(customer)).await
    }

    async fn ensure_organization(&self, organization: &Organization) -> Result<(), SendError> {
        self.ensure_application(organization.id.to_string(), organization.name.clone()).await
    }
}

/// The schema Svix shows for an event type: the whole body (what a message's payload is), with the
/// test body as its one example, which Svix's send-example delivers (`POST /api/webhooks/{id}/test`).
fn payload_schema(kind: kaiten_domain::EventKind) -> serde_json::Value {
    const EXAMPLE_ID: uuid::Uuid = uuid::Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001);
    let example_time = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
    let mut schema = kind.body_schema();
    if let Some(fields) = schema.as_object_mut() {
        fields.insert("examples".into(), serde_json::json!([kind.test_body(EXAMPLE_ID, example_time)]));
    }
    schema
}
