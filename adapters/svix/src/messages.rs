//! Message inspection and resending on Svix. Messages are created with `eventId` = outbox id, and
//! Svix finds a message by its `eventId` as well as by its own id (`GET /api/v1/app/{app}/msg/{id}`),
//! so an event is one request away without listing messages.

use crate::management::{CONCURRENT_REQUESTS, EndpointList, SvixWebhookManagement};
use crate::mapping::{about_endpoint, attempt_from_svix, event_name, is_plausible_id, is_test, receives};
use crate::mapping::{receives_operational, sort_newest_first};
use crate::svix_errors::{found, is_not_found, repo_error};
use futures::{StreamExt, TryStreamExt, stream};
use kaiten_application::error::{Conflict, RepoError};
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{AttemptPage, WebhookMessage};
use kaiten_domain::webhook_test_send::TestSendAccepted;
use svix::api::{MessageAttemptListByMsgOptions, MessageGetOptions};
use svix::models::{EventExampleIn, MessageAttemptOut, MessageOut};
use uuid::Uuid;

impl SvixWebhookManagement {
    /// Svix's send-example: the event type's example (the test body, registered with the type) sent
    /// to that endpoint alone, as a message of its own without an `eventId`.
    pub(crate) async fn send_example_message(
        &self,
        app: &str,
        endpoint_id: &str,
        kind: EventKind,
    ) -> Result<TestSendAccepted, RepoError> {
        if !is_plausible_id(endpoint_id) {
            return Err(RepoError::NotFound);
        }
        let endpoint = found(self.svix.endpoint().get(app.to_owned(), endpoint_id.to_owned()).await)?;
        if endpoint.ok_or(RepoError::NotFound)?.disabled == Some(true) {
            return Err(RepoError::Conflict(Conflict::new(
                "endpoint_disabled",
                "the endpoint is disabled; enable it (PUT with disabled: false) before sending a test",
            )));
        }
        let example = EventExampleIn::new(kind.event_type().to_owned());
        let sent = self.svix.endpoint().send_example(app.to_owned(), endpoint_id.to_owned(), example, None).await;
        let message = found(sent)?.ok_or(RepoError::NotFound)?;
        Ok(TestSendAccepted { event_id: message.event_id, message_id: message.id })
    }

    async fn find_message(
        &self,
        app: &str,
        event_id: Uuid,
        with_content: bool,
    ) -> Result<Option<MessageOut>, RepoError> {
        let options = MessageGetOptions { with_content: Some(with_content) };
        found(self.svix.message().get(app.to_owned(), event_id.to_string(), Some(options)).await)
    }

    pub(crate) async fn inspect_message(
        &self,
        app: &str,
        event_id: Uuid,
        page: AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError> {
        if page.before.as_deref().is_some_and(|before| !is_plausible_id(before)) {
            return Ok(None);
        }
        let Some(message) = self.find_message(app, event_id, true).await? else { return Ok(None) };
        let (mut attempts, more_attempts_before) = self.read_message_attempts(app, &message.id, page).await?;
        sort_newest_first(&mut attempts);
        let attempts = attempts.into_iter().map(|attempt| attempt_from_svix(attempt, Some(&message))).collect();
        let test = is_test(&message);
        Ok(Some(WebhookMessage {
            test,
            event_id: message.event_id.unwrap_or_else(|| message.id.clone()),
            message_id: message.id,
            event_name: event_name(&message.event_type),
            event_type: message.event_type,
            payload: message.payload,
            timestamp: message.timestamp,
            attempts,
            more_attempts_before,
        }))
    }

    /// One page of the message's attempts (newest first, Svix's order) and the iterator of the next.
    async fn read_message_attempts(
        &self,
        app: &str,
        message_id: &str,
        page: AttemptPage,
    ) -> Result<(Vec<MessageAttemptOut>, Option<String>), RepoError> {
        let options = MessageAttemptListByMsgOptions {
            limit: Some(u64::from(page.limit)),
            iterator: page.before,
            with_content: Some(true),
            ..MessageAttemptListByMsgOptions::default()
        };
        match self.svix.message_attempt().list_by_msg(app.to_owned(), message_id.to_owned(), Some(options)).await {
            Ok(listed) => {
                let next = listed.iterator.filter(|_| !listed.done);
                Ok((listed.data, next))
            }
            Err(error) if is_not_found(&error) => Ok((Vec::new(), None)),
            Err(error) => Err(repo_error(&error)),
        }
    }

    /// Queues one new attempt per target; Svix signs and delivers it like the first.
    pub(crate) async fn resend_message(
        &self,
        app: &str,
        event_id: Uuid,
        endpoint_id: Option<String>,
    ) -> Result<usize, RepoError> {
        // With its payload: an operational message names the endpoint it is about there.
        let message = self.find_message(app, event_id, true).await?.ok_or(RepoError::NotFound)?;
        match endpoint_id {
            Some(endpoint_id) => self.resend_to(app, &message, &endpoint_id).await.map(|()| 1),
            None => self.resend_to_subscribers(app, &message).await,
        }
    }

    async fn resend_to(&self, app: &str, message: &MessageOut, endpoint_id: &str) -> Result<(), RepoError> {
        if !is_plausible_id(endpoint_id) {
            return Err(RepoError::NotFound);
        }
        let endpoint = found(self.svix.endpoint().get(app.to_owned(), endpoint_id.to_owned()).await)?
            .ok_or(RepoError::NotFound)?;
        if endpoint.disabled == Some(true) {
            let reason = format!("endpoint {endpoint_id} is disabled: enable it before resending");
            return Err(RepoError::Conflict(Conflict::new("endpoint_disabled", reason)));
        }
        if about_endpoint(message) == Some(endpoint.id.as_str()) {
            let reason = format!("the event is about endpoint {endpoint_id}, which never receives it");
            return Err(RepoError::Conflict(Conflict::new("about_this_endpoint", reason)));
        }
        let attempts_api = self.svix.message_attempt();
        let resent = attempts_api.resend(app.to_owned(), message.id.clone(), endpoint.id, None).await;
        found(resent)?.map(|_| ()).ok_or(RepoError::NotFound)
    }

    /// Every enabled endpoint whose filters let the message through (an operational message: every
    /// endpoint it is delivered to); one deleted meanwhile is skipped. An error stops the remaining
    /// resends (those already queued stay queued).
    async fn resend_to_subscribers(&self, app: &str, message: &MessageOut) -> Result<usize, RepoError> {
        let EndpointList { endpoints, .. } = self.read_endpoints(app).await?;
        let operational = EventKind::from_type(&message.event_type).is_some_and(EventKind::is_operational);
        let about = about_endpoint(message);
        let targets = endpoints.into_iter().filter(|endpoint| {
            if operational {
                return receives_operational(endpoint, &message.event_type, about);
            }
            endpoint.disabled != Some(true) && receives(endpoint, &message.event_type, message.channels.as_ref())
        });
        let resent: Vec<bool> = stream::iter(targets)
            .map(|endpoint| async move {
                let attempts_api = self.svix.message_attempt();
                let resent = attempts_api.resend(app.to_owned(), message.id.clone(), endpoint.id, None).await;
                found(resent).map(|outcome| outcome.is_some())
            })
            .buffered(CONCURRENT_REQUESTS)
            .try_collect()
            .await?;
        Ok(resent.into_iter().filter(|queued| *queued).count())
    }
}
