//! The webhook API's use cases: endpoints (create, list, get, update, delete, rotate the secret),
//! the delivery history, message inspection and resend — on whichever backend implements
//! `WebhookManagement`, behind the `read:webhooks` / `write:webhooks` scopes.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::webhook_management::{CustomerDirectory, RecoveryLog, ResendLimiter, WebhookManagement};
use crate::use_cases::endpoint_customers::EndpointCustomers;
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, EndpointRef, HistoryFilter, NewWebhookEndpoint, WebhookEndpoint,
    WebhookEndpointChanges, WebhookMessage,
};
use kaiten_domain::webhook_secret_rotation::{SecretRotation, SecretRotationRequest};
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::webhook_test_send::{TestSendAccepted, TestSendRequest};
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_domain::{Access, Module, Page, Paged};
use std::sync::Arc;
use uuid::Uuid;

/// What the webhook API lets one organization use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookLimits {
    /// Endpoints per organization (`KAITEN_WEBHOOKS_MAX_ENDPOINTS`).
    pub max_endpoints: usize,
    /// Resends of one message per minute (`KAITEN_WEBHOOKS_RESENDS_PER_MINUTE`).
    pub resends_per_minute: u32,
}

impl Default for WebhookLimits {
    fn default() -> Self {
        Self { max_endpoints: 50, resends_per_minute: 5 }
    }
}

/// Everything the webhook API works with.
pub struct WebhookApi {
    pub management: Arc<dyn WebhookManagement>,
    pub resends: Arc<dyn ResendLimiter>,
    pub customers: Arc<dyn CustomerDirectory>,
    pub recoveries: Arc<dyn RecoveryLog>,
    pub policy: UrlPolicy,
    pub limits: WebhookLimits,
}

pub struct ManageWebhooks {
    management: Arc<dyn WebhookManagement>,
    resends: Arc<dyn ResendLimiter>,
    customers: EndpointCustomers,
    policy: UrlPolicy,
    limits: WebhookLimits,
}

const ENDPOINT: &str = "webhook endpoint";
const MESSAGE: &str = "webhook message";
const RESEND_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

impl ManageWebhooks {
    pub fn new(api: WebhookApi) -> Self {
        let WebhookApi { management, resends, customers, policy, limits, .. } = api;
        Self { management, resends, customers: EndpointCustomers::new(customers), policy, limits }
    }

    /// The endpoint with `deletedCustomerIds` filled in.
    async fn with_deleted_customers(
        &self,
        caller: &Caller,
        endpoint: WebhookEndpoint,
    ) -> Result<WebhookEndpoint, UseCaseError> {
        let mut endpoints = [endpoint];
        self.customers.mark_deleted(caller.organization_id, &mut endpoints).await?;
        let [endpoint] = endpoints;
        Ok(endpoint)
    }

    pub async fn create(&self, caller: &Caller, input: NewWebhookEndpoint) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let draft = input.validate(&self.policy)?;
        let customers = draft.scope.customers.clone();
        let ids = self.customers.resolve(caller.organization_id, customers).await?;
        let draft = draft.with_customers(ids);
        let max = self.limits.max_endpoints;
        self.management.create_endpoint(caller.organization_id, draft, max).await.map_err(|e| from(ENDPOINT, e))
    }

    /// Secrets are masked: only creation, rotation and [`Self::secret`] show one.
    pub async fn list(&self, caller: &Caller, page: Page) -> Result<Paged<WebhookEndpoint>, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let mut listed =
            self.management.list_endpoints(caller.organization_id, page).await.map_err(|e| from(ENDPOINT, e))?;
        self.customers.mark_deleted(caller.organization_id, &mut listed.items).await?;
        Ok(listed.map(WebhookEndpoint::masked))
    }

    /// The endpoint, its secret masked.
    pub async fn get(&self, caller: &Caller, id: &EndpointRef) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found = self.management.get_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        let found = found.ok_or(UseCaseError::NotFound(ENDPOINT))?;
        Ok(self.with_deleted_customers(caller, found).await?.masked())
    }

    /// The endpoint's signing secret in plain: only for callers that may change the endpoint (as Svix
    /// serves the secret apart from the endpoint).
    pub async fn secret(&self, caller: &Caller, id: &EndpointRef) -> Result<String, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let found = self.management.get_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        found.map(|endpoint| endpoint.signing_secret).ok_or(UseCaseError::NotFound(ENDPOINT))
    }

    pub async fn update(
        &self,
        caller: &Caller,
        id: &EndpointRef,
        changes: WebhookEndpointChanges,
    ) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let patch = changes.validate(&self.policy)?;
        let customers = match patch.customers.clone() {
            Some(refs) => Some(self.customers.resolve(caller.organization_id, refs).await?),
            None => None,
        };
        let patch = patch.with_customers(customers);
        let updated =
            self.management.update_endpoint(caller.organization_id, id, patch).await.map_err(|e| from(ENDPOINT, e))?;
        let updated = updated.ok_or(UseCaseError::NotFound(ENDPOINT))?;
        Ok(self.with_deleted_customers(caller, updated).await?.masked())
    }

    pub async fn delete(&self, caller: &Caller, id: &EndpointRef) -> Result<(), UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let deleted =
            self.management.delete_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        if deleted { Ok(()) } else { Err(UseCaseError::NotFound(ENDPOINT)) }
    }

    /// A new secret; `request` says how long the previous one keeps signing (24 hours by default).
    pub async fn rotate_secret(
        &self,
        caller: &Caller,
        id: &EndpointRef,
        request: Option<SecretRotationRequest>,
    ) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let rotation = SecretRotation::parse(request)?;
        let rotated =
            self.management.rotate_secret(caller.organization_id, id, rotation).await.map_err(|e| from(ENDPOINT, e))?;
        rotated.ok_or(UseCaseError::NotFound(ENDPOINT))
    }

    /// The endpoint's health over `window`.
    pub async fn stats(
        &self,
        caller: &Caller,
        id: &EndpointRef,
        window: StatsWindow,
    ) -> Result<EndpointStats, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let stats =
            self.management.endpoint_stats(caller.organization_id, id, window).await.map_err(|e| from(ENDPOINT, e))?;
        stats.ok_or(UseCaseError::NotFound(ENDPOINT))
    }

    pub async fn history(
        &self,
        caller: &Caller,
        filter: HistoryFilter,
    ) -> Result<Paged<DeliveryAttempt>, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        self.management.history(caller.organization_id, filter).await.map_err(|e| from(MESSAGE, e))
    }

    /// The message with one page of its attempts.
    pub async fn message(
        &self,
        caller: &Caller,
        event_id: Uuid,
        attempts: AttemptPage,
    ) -> Result<WebhookMessage, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found =
            self.management.message(caller.organization_id, event_id, attempts).await.map_err(|e| from(MESSAGE, e))?;
        found.ok_or(UseCaseError::NotFound(MESSAGE))
    }

    /// How many attempts were queued. A message is resent at most `resends_per_minute` times a
    /// minute (`TooManyRequests` beyond).
    pub async fn resend(
        &self,
        caller: &Caller,
        event_id: Uuid,
        endpoint_id: Option<EndpointRef>,
    ) -> Result<usize, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let limit = self.limits.resends_per_minute;
        let admitted = self.resends.admit(caller.organization_id, event_id, limit, RESEND_WINDOW).await;
        if let Some(retry_after) = admitted.map_err(|e| from(MESSAGE, e))? {
            return Err(UseCaseError::TooManyRequests {
                detail: format!("a message can be resent {limit} times a minute; try again later"),
                retry_after,
            });
        }
        let what = if endpoint_id.is_some() { "webhook message or endpoint" } else { MESSAGE };
        self.management.resend(caller.organization_id, event_id, endpoint_id).await.map_err(|e| from(what, e))
    }

    /// Sends the catalog's example of an event to one endpoint, marked as a test. An endpoint gets at
    /// most `resends_per_minute` test sends a minute (`TooManyRequests` beyond), counted like resends.
    pub async fn send_test(
        &self,
        caller: &Caller,
        endpoint_id: &EndpointRef,
        request: TestSendRequest,
    ) -> Result<TestSendAccepted, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let kind = request.event()?;
        let limit = self.limits.resends_per_minute;
        // Keyed by organization too: another organization naming the same id never uses this budget.
        let name = format!("kaiten:test-send:{}:{endpoint_id}", caller.organization_id);
        let key = Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes());
        let admitted = self.resends.admit(caller.organization_id, key, limit, RESEND_WINDOW).await;
        if let Some(retry_after) = admitted.map_err(|e| from(ENDPOINT, e))? {
            return Err(UseCaseError::TooManyRequests {
                detail: format!("an endpoint gets {limit} test sends a minute; try again later"),
                retry_after,
            });
        }
        self.management.send_test(caller.organization_id, endpoint_id, kind).await.map_err(|e| from(ENDPOINT, e))
    }
}

fn from(what: &'static str, error: crate::error::RepoError) -> UseCaseError {
    UseCaseError::from_repo(what, error)
}

#[cfg(test)]
#[path = "manage_webhooks_tests.rs"]
mod tests;
