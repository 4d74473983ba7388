//! Operational events through Svix. Their message is sent on a channel no endpoint listens to, so
//! Svix delivers it to nobody by itself; Kaiten then resends it to each endpoint that subscribes to
//! it by name, gets organization-wide events and is not the endpoint it is about — the one rule
//! Svix's filters cannot express. Each endpoint gets the message once: an endpoint that already has
//! an attempt of it (the event handed over again) is skipped.

use crate::channels::ALL_CHANNEL;
use crate::management::{CONCURRENT_REQUESTS, EndpointList};
use crate::mapping::{application_id, receives_operational};
use crate::svix_errors::found;
use crate::{SvixWebhookSender, classify};
use futures::{StreamExt, TryStreamExt, stream};
use js_option::JsOption;
use kaiten_application::RepoError;
use kaiten_application::ports::webhooks::{SendError, WebhookEvent};
use std::collections::BTreeSet;
use svix::api::{MessageAttemptListByMsgOptions, MessageGetOptions};
use svix::models::{EndpointOut, EndpointPatch};

/// A management read or write that failed, as the sender reports it.
fn send_error(error: RepoError) -> SendError {
    match error {
        RepoError::Unavailable(reason) => SendError::Unavailable { dependency: "svix", reason },
        other => SendError::Transient { reason: format!("Svix: {other}"), retry_after: None },
    }
}

/// An endpoint Svix would deliver every message to: one without channels.
fn listens_to_everything(endpoint: &EndpointOut) -> bool {
    endpoint.channels.as_ref().is_none_or(BTreeSet::is_empty)
}

impl SvixWebhookSender {
    pub(crate) async fn send_operational(&self, event: &WebhookEvent) -> Result<(), SendError> {
        let app = application_id(event.organization_id);
        let EndpointList { endpoints, .. } = self.management().read_endpoints(&app).await.map_err(send_error)?;
        // Svix's own tools make endpoints without channels, which would get the message directly:
        // they get `all` first, which keeps every domain message coming to them.
        let without_channels: Vec<String> =
            endpoints.iter().filter(|endpoint| listens_to_everything(endpoint)).map(|e| e.id.clone()).collect();
        for endpoint_id in without_channels {
            let channels = BTreeSet::from([ALL_CHANNEL.to_owned()]);
            let patch = EndpointPatch { channels: JsOption::Some(channels), ..EndpointPatch::new() };
            found(self.svix.endpoint().patch(app.clone(), endpoint_id, patch).await).map_err(send_error)?;
        }
        self.accept_message(event).await?;
        let options = MessageGetOptions { with_content: Some(false) };
        let message = self.svix.message().get(app.clone(), event.id.to_string(), Some(options)).await;
        let message_id = message.map_err(|error| classify(&error))?.id;
        let about = event.about_endpoint();
        let targets: Vec<String> = endpoints
            .into_iter()
            .filter(|endpoint| receives_operational(endpoint, event.kind.event_type(), about))
            .map(|endpoint| endpoint.id)
            .collect();
        let (app, message_id) = (app.as_str(), message_id.as_str());
        stream::iter(targets)
            .map(|endpoint_id| async move { self.resend_unless_attempted(app, message_id, &endpoint_id).await })
            .buffered(CONCURRENT_REQUESTS)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
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
