//! Operational events through Svix. Svix cannot keep a message from one endpoint of an application,
//! so an operational message is addressed by channel to its recipients — the enabled endpoints that
//! name it, get organization-wide events and are not the endpoint it is about. Each recipient
//! listens to a channel of its own, `endpoint.<id>`, given to it here when first needed; the message
//! goes on its recipients' channels, five at most (Svix's limit), so more recipients take more
//! messages (`eventId` `<id>`, then `<id>.2`, `<id>.3`, …; each endpoint is on one). Svix delivers
//! and retries them like any message. A recipient with no room for its own channel (ten already)
//! gets the message by a resend instead, which Svix tries once and which is skipped when it already
//! has an attempt. With no recipient the message is still made, on a channel nobody listens to, so
//! it can be inspected and resent. Endpoints without channels (made by Svix's own tools or an
//! earlier Kaiten), which Svix would give every message, get `all` first.

use crate::channels::{MAX_MESSAGE_CHANNELS, channels_before_operational, operational_channels, own_channel};
use crate::management::{CONCURRENT_REQUESTS, EndpointList, MAX_ENDPOINTS_READ_ALL};
use crate::mapping::{application_id, receives_operational};
use crate::svix_errors::found;
use crate::{SvixWebhookSender, classify};
use futures::{StreamExt, TryStreamExt, stream};
use js_option::JsOption;
use kaiten_application::RepoError;
use kaiten_application::ports::webhooks::{SendError, WebhookEvent};
use std::collections::BTreeSet;
use svix::api::{MessageAttemptListByMsgOptions, MessageGetOptions};
use svix::models::EndpointPatch;

/// A management read or write that failed, as the sender reports it.
fn send_error(error: RepoError) -> SendError {
    match error {
        RepoError::Unavailable(reason) => SendError::Unavailable { dependency: "svix", reason },
        other => SendError::Transient { reason: format!("Svix: {other}"), retry_after: None },
    }
}

/// The Svix `eventId` of the `index`th message of an event (from 0).
fn message_event_id(event: &WebhookEvent, index: usize) -> String {
    if index == 0 { event.id.to_string() } else { format!("{}.{}", event.id, index + 1) }
}

/// Who gets an operational message, and how.
#[derive(Default)]
struct Recipients {
    /// The own channels of those that listen to one.
    channels: Vec<String>,
    /// Those without room for one.
    resent: Vec<String>,
}

impl SvixWebhookSender {
    pub(crate) async fn send_operational(&self, event: &WebhookEvent) -> Result<(), SendError> {
        let app = application_id(event.organization_id);
        let recipients = self.prepare_recipients(&app, event).await?;
        let mut messages: Vec<BTreeSet<String>> =
            recipients.channels.chunks(MAX_MESSAGE_CHANNELS).map(|chunk| chunk.iter().cloned().collect()).collect();
        if messages.is_empty() {
            messages.push(operational_channels());
        }
        for (index, channels) in messages.iter().enumerate() {
            self.accept_message(event, &message_event_id(event, index), channels).await?;
        }
        if recipients.resent.is_empty() {
            return Ok(());
        }
        let options = MessageGetOptions { with_content: Some(false) };
        let message = self.svix.message().get(app.clone(), event.id.to_string(), Some(options)).await;
        let message_id = message.map_err(|error| classify(&error))?.id;
        let (app, message_id) = (app.as_str(), message_id.as_str());
        stream::iter(recipients.resent)
            .map(|endpoint_id| async move { self.resend_unless_attempted(app, message_id, &endpoint_id).await })
            .buffered(CONCURRENT_REQUESTS)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// Reads the application's endpoints, gives each the channels it needs, and sorts the
    /// recipients (an endpoint deleted meanwhile is left out).
    async fn prepare_recipients(&self, app: &str, event: &WebhookEvent) -> Result<Recipients, SendError> {
        let read = self.management().read_endpoints_up_to(app, MAX_ENDPOINTS_READ_ALL).await;
        let EndpointList { endpoints, complete } = read.map_err(send_error)?;
        if !complete {
            tracing::warn!(app, "more endpoints than can be read: the last ones do not get this operational event");
        }
        let about = event.about_endpoint();
        let mut recipients = Recipients::default();
        for endpoint in endpoints {
            let recipient = receives_operational(&endpoint, event.kind.event_type(), about);
            let channels = match channels_before_operational(endpoint.channels.as_ref(), &endpoint.id, recipient) {
                Some(_) => match self.add_channels(app, &endpoint.id, recipient).await? {
                    Some(channels) => channels,
                    None => continue,
                },
                None => endpoint.channels.unwrap_or_default(),
            };
            let own = own_channel(&endpoint.id);
            match (recipient, channels.contains(&own)) {
                (true, true) => recipients.channels.push(own),
                (true, false) => recipients.resent.push(endpoint.id),
                (false, _) => {}
            }
        }
        // A stable order: an event handed over again makes the same messages.
        recipients.channels.sort();
        Ok(recipients)
    }

    /// Gives the endpoint the channels it needs, computed from its channels read again just before
    /// (Svix has no conditional update: this keeps a scope change made meanwhile from being undone,
    /// but for the moment between the two requests). `None` when it was deleted meanwhile.
    async fn add_channels(&self, app: &str, id: &str, recipient: bool) -> Result<Option<BTreeSet<String>>, SendError> {
        let current = found(self.svix.endpoint().get(app.to_owned(), id.to_owned()).await).map_err(send_error)?;
        let Some(current) = current else { return Ok(None) };
        let Some(channels) = channels_before_operational(current.channels.as_ref(), id, recipient) else {
            return Ok(Some(current.channels.unwrap_or_default()));
        };
        let patch = EndpointPatch { channels: JsOption::Some(channels.clone()), ..EndpointPatch::new() };
        let patched = self.svix.endpoint().patch(app.to_owned(), id.to_owned(), patch).await;
        Ok(found(patched).map_err(send_error)?.map(|_| channels))
    }

    /// Queues an attempt of the message to the endpoint unless it has one; an endpoint deleted
    /// meanwhile is skipped.
    async fn resend_unless_attempted(&self, app: &str, message_id: &str, endpoint_id: &str) -> Result<(), SendError> {
        let options = MessageAttemptListByMsgOptions {
            limit: Some(1),
            endpoint_id: Some(endpoint_id.to_owned()),
            ..MessageAttemptListByMsgOptions::default()
        };
        let attempts_api = self.svix.message_attempt();
        let attempts = attempts_api.list_by_msg(app.to_owned(), message_id.to_owned(), Some(options)).await;
        let attempted = found(attempts).map_err(send_error)?.is_some_and(|listed| !listed.data.is_empty());
        if attempted {
            return Ok(());
        }
        let resent = attempts_api.resend(app.to_owned(), message_id.to_owned(), endpoint_id.to_owned(), None).await;
        found(resent).map(|_| ()).map_err(send_error)
    }
}
