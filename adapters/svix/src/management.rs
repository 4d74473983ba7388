//! The `WebhookManagement` port on Svix: the organization's endpoints are the endpoints of its Svix
//! application (`uid` = organization id), with Svix's ids (`ep_…`) and signing secrets. The delivery
//! history and message inspection are in `attempts` and `messages`.

use crate::channels::endpoint_channels;
use crate::headers;
use crate::mapping::{application_id, endpoint_from_svix, filter_types, is_plausible_id};
use crate::mapping::{throttle_rate, to_len, to_total};
use crate::svix_errors::{found, is_not_found, repo_error};
use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt, stream};
use js_option::JsOption;
use kaiten_application::error::RepoError;
use kaiten_application::ports::operational_events::OperationalEventLog;
use kaiten_application::ports::webhook_management::{
    RecoveryProgress, RecoveryRecord, RecoveryStart, WebhookManagement,
};
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, EndpointDraft, EndpointPatch, EndpointRef, HistoryFilter, WebhookEndpoint,
    WebhookMessage,
};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryWindow};
use kaiten_domain::webhook_secret_rotation::SecretRotation;
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::webhook_test_send::TestSendAccepted;
use kaiten_domain::{EventKind, Page, Paged};
use std::sync::Arc;
use svix::api::{EndpointListOptions, Svix};
use svix::models::{EndpointIn, EndpointOut, EndpointPatch as SvixEndpointPatch, Ordering};
use uuid::Uuid;

/// The largest page Svix serves.
pub(crate) const SVIX_PAGE_SIZE: u64 = 250;
/// At most this many endpoints are read for one application's pages (8 pages).
const MAX_ENDPOINTS_READ: usize = 2000;
/// At most this many when every endpoint matters (the most `KAITEN_WEBHOOKS_MAX_ENDPOINTS` allows).
pub(crate) const MAX_ENDPOINTS_READ_ALL: usize = 10_000;
/// How many Svix requests one call runs at the same time (secrets, per-endpoint histories, resends).
pub(crate) const CONCURRENT_REQUESTS: usize = 8;

pub struct SvixWebhookManagement {
    pub(crate) svix: Svix,
    /// Where `WEBHOOK_ENDPOINT_ENABLED` / `…_DISABLED` go when an update changes `disabled`.
    pub(crate) operational_log: Option<Arc<dyn OperationalEventLog>>,
}

/// The endpoints of an application, newest first; `complete` is false when the read stopped at
/// `MAX_ENDPOINTS_READ`.
pub(crate) struct EndpointList {
    pub endpoints: Vec<EndpointOut>,
    pub complete: bool,
}

impl SvixWebhookManagement {
    /// A client of its own; `SvixWebhookSender::management` shares the sender's instead.
    pub fn new(api_key: String, server_url: Option<String>) -> Self {
        Self::from_client(crate::client(api_key, server_url))
    }

    pub(crate) fn from_client(svix: Svix) -> Self {
        Self { svix, operational_log: None }
    }

    /// Reports the endpoints enabled or disabled through the API to `log`.
    pub fn with_operational_log(self, log: Arc<dyn OperationalEventLog>) -> Self {
        Self { operational_log: Some(log), ..self }
    }

    /// Every endpoint of the application (none when Svix has no application for it yet), up to 2000.
    pub(crate) async fn read_endpoints(&self, app: &str) -> Result<EndpointList, RepoError> {
        self.read_endpoints_up_to(app, MAX_ENDPOINTS_READ).await
    }

    /// Every endpoint of the application, up to `max` (and the page that passes it).
    pub(crate) async fn read_endpoints_up_to(&self, app: &str, max: usize) -> Result<EndpointList, RepoError> {
        let mut endpoints = Vec::new();
        let mut iterator = None;
        loop {
            let options =
                EndpointListOptions { limit: Some(SVIX_PAGE_SIZE), iterator, order: Some(Ordering::Descending) };
            let page = match self.svix.endpoint().list(app.to_owned(), Some(options)).await {
                Ok(page) => page,
                Err(error) if is_not_found(&error) => return Ok(EndpointList { endpoints, complete: true }),
                Err(error) => return Err(repo_error(&error)),
            };
            endpoints.extend(page.data);
            match page.iterator {
                Some(next) if !page.done => {
                    if endpoints.len() >= max {
                        return Ok(EndpointList { endpoints, complete: false });
                    }
                    iterator = Some(next);
                }
                _ => return Ok(EndpointList { endpoints, complete: true }),
            }
        }
    }

    /// Whether the application has `count` endpoints or more.
    async fn has_at_least(&self, app: &str, count: usize) -> Result<bool, RepoError> {
        if count == 0 {
            return Ok(true);
        }
        if count > SVIX_PAGE_SIZE as usize {
            return Ok(self.read_endpoints(app).await?.endpoints.len() >= count);
        }
        let options = EndpointListOptions { limit: Some(count as u64), iterator: None, order: None };
        match self.svix.endpoint().list(app.to_owned(), Some(options)).await {
            Ok(page) => Ok(page.data.len() >= count),
            Err(error) if is_not_found(&error) => Ok(false),
            Err(error) => Err(repo_error(&error)),
        }
    }

    /// The endpoint with its signing secret; `None` when it was deleted meanwhile.
    pub(crate) async fn with_secret(
        &self,
        app: &str,
        endpoint: EndpointOut,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let secret = found(self.svix.endpoint().get_secret(app.to_owned(), endpoint.id.clone()).await)?;
        Ok(secret.map(|secret| endpoint_from_svix(endpoint, secret.key)))
    }

    async fn create_in_application(&self, app: &str, endpoint: EndpointIn) -> Result<EndpointOut, RepoError> {
        let first = match self.svix.endpoint().create(app.to_owned(), endpoint.clone(), None).await {
            Ok(created) => return Ok(created),
            Err(error) => error,
        };
        if !is_not_found(&first) {
            return Err(repo_error(&first));
        }
        // No application for the organization yet: create it, then try once more.
        let application = crate::application_in(app.to_owned(), app.to_owned());
        self.svix.application().get_or_create(application, None).await.map_err(|e| repo_error(&e))?;
        self.svix.endpoint().create(app.to_owned(), endpoint, None).await.map_err(|e| repo_error(&e))
    }
}

#[async_trait]
impl WebhookManagement for SvixWebhookManagement {
    /// The limit is checked by reading up to `max_endpoints` endpoints first (Svix has no atomic
    /// limit: two creations at the same moment may both pass it).
    async fn create_endpoint(
        &self,
        organization_id: Uuid,
        draft: EndpointDraft,
        max_endpoints: usize,
    ) -> Result<WebhookEndpoint, RepoError> {
        let app = application_id(organization_id);
        if self.has_at_least(&app, max_endpoints).await? {
            return Err(RepoError::Invalid(kaiten_application::Conflict::new(
                "too_many_endpoints",
                format!("an organization has at most {max_endpoints} webhook endpoints; delete one first"),
            )));
        }
        let channels = endpoint_channels(&draft.scope)?;
        let endpoint = EndpointIn {
            description: Some(draft.description),
            disabled: Some(draft.disabled),
            event_types: filter_types(&draft.events),
            channels,
            headers: (!draft.headers.is_empty()).then(|| headers::values(&draft.headers)),
            metadata: (!draft.headers.is_empty()).then(|| headers::metadata(&draft.headers)),
            throttle_rate: draft.rate_limit.and_then(throttle_rate),
            ..EndpointIn::new(draft.url)
        };
        let created = self.create_in_application(&app, endpoint).await?;
        let secret = self.svix.endpoint().get_secret(app, created.id.clone()).await.map_err(|e| repo_error(&e))?;
        Ok(endpoint_from_svix(created, secret.key))
    }

    /// Svix pages with iterators, not offsets: the application's endpoints are read from the newest
    /// (up to 2000) and the window cut from them. `total` is the number read: exact unless the
    /// application has more than 2000 endpoints, a lower bound then.
    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<WebhookEndpoint>, RepoError> {
        let app = application_id(organization_id);
        let EndpointList { endpoints, .. } = self.read_endpoints(&app).await?;
        let total = to_total(endpoints.len());
        let window = endpoints.into_iter().skip(to_len(page.offset)).take(to_len(page.limit));
        let items: Vec<Option<WebhookEndpoint>> = stream::iter(window)
            .map(|endpoint| self.with_secret(&app, endpoint))
            .buffered(CONCURRENT_REQUESTS)
            .try_collect()
            .await?;
        Ok(Paged::from_offset(items.into_iter().flatten().collect(), total, page))
    }

    async fn get_endpoint(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let id = id.as_str();
        if !is_plausible_id(id) {
            return Ok(None);
        }
        let app = application_id(organization_id);
        match found(self.svix.endpoint().get(app.clone(), id.to_owned()).await)? {
            Some(endpoint) => self.with_secret(&app, endpoint).await,
            None => Ok(None),
        }
    }

    /// One `PATCH`: omitted fields keep their value in Svix; an empty subscription clears the filter.
    /// New custom headers are set first (their own call), then recorded by the `PATCH`.
    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        patch: EndpointPatch,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        let id = id.as_str();
        if !is_plausible_id(id) {
            return Ok(None);
        }
        let app = application_id(organization_id);
        let was_disabled = self.disabled_before(&app, id, &patch).await?;
        let event_types = match patch.events.as_deref().map(filter_types) {
            None => JsOption::Undefined,
            Some(None) => JsOption::Null,
            Some(Some(types)) => JsOption::Some(types),
        };
        let channels = match self.patched_channels(&app, id, &patch).await? {
            None => JsOption::Undefined,
            Some(None) => JsOption::Null,
            Some(Some(channels)) => JsOption::Some(channels),
        };
        let metadata = match patch.headers {
            None => None,
            Some(headers) => match headers::replace(&self.svix, &app, id, headers).await? {
                Some(headers) => Some(headers::metadata(&headers)),
                None => return Ok(None),
            },
        };
        let changes = SvixEndpointPatch {
            metadata,
            url: patch.url,
            description: patch.description,
            disabled: patch.disabled,
            event_types,
            channels,
            throttle_rate: match patch.rate_limit {
                None => JsOption::Undefined,
                Some(rate) => rate.and_then(throttle_rate).map_or(JsOption::Null, JsOption::Some),
            },
            ..SvixEndpointPatch::new()
        };
        match found(self.svix.endpoint().patch(app.clone(), id.to_owned(), changes).await)? {
            Some(endpoint) => {
                self.report_state_change(organization_id, was_disabled, &endpoint).await?;
                self.with_secret(&app, endpoint).await
            }
            None => Ok(None),
        }
    }

    async fn delete_endpoint(&self, organization_id: Uuid, id: &EndpointRef) -> Result<bool, RepoError> {
        let id = id.as_str();
        if !is_plausible_id(id) {
            return Ok(false);
        }
        let deleted = self.svix.endpoint().delete(application_id(organization_id), id.to_owned()).await;
        Ok(found(deleted)?.is_some())
    }

    async fn rotate_secret(
        &self,
        organization_id: Uuid,
        id: &EndpointRef,
        rotation: SecretRotation,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        self.rotate_endpoint_secret(&application_id(organization_id), id.as_str(), rotation).await
    }

    async fn endpoint_stats(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        window: StatsWindow,
    ) -> Result<Option<EndpointStats>, RepoError> {
        self.endpoint_stats_from_attempts(&application_id(organization_id), endpoint_id, window).await
    }

    async fn send_test(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        kind: EventKind,
    ) -> Result<TestSendAccepted, RepoError> {
        self.send_example_message(&application_id(organization_id), endpoint_id.as_str(), kind).await
    }

    async fn history(&self, organization_id: Uuid, filter: HistoryFilter) -> Result<Paged<DeliveryAttempt>, RepoError> {
        self.attempt_history(&application_id(organization_id), filter).await
    }

    async fn message(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        attempts: AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError> {
        self.inspect_message(&application_id(organization_id), event_id, attempts).await
    }

    async fn resend(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        endpoint_id: Option<EndpointRef>,
    ) -> Result<usize, RepoError> {
        self.resend_message(&application_id(organization_id), event_id, endpoint_id.map(String::from)).await
    }

    async fn recover(
        &self,
        organization_id: Uuid,
        endpoint_id: &EndpointRef,
        _task_id: Uuid,
        kind: RecoveryKind,
        window: RecoveryWindow,
    ) -> Result<RecoveryStart, RepoError> {
        self.start_recovery(organization_id, endpoint_id.as_str(), kind, window).await
    }

    async fn recovery_progress(&self, recovery: &RecoveryRecord) -> Result<RecoveryProgress, RepoError> {
        Ok(self.recovery_status(recovery).await)
    }
}
