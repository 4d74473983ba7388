//! The webhook API's use cases: endpoints (create, list, get, update, delete, rotate the secret),
//! the delivery history, message inspection and resend — on whichever backend implements
//! `WebhookManagement`, behind the `read:webhooks` / `write:webhooks` scopes.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::webhook_management::{CustomerDirectory, RecoveryLog, ResendLimiter, WebhookManagement};
use crate::use_cases::endpoint_customers::EndpointCustomers;
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, HistoryFilter, NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointChanges,
    WebhookMessage,
};
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
    pub async fn get(&self, caller: &Caller, id: &str) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found = self.management.get_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        let found = found.ok_or(UseCaseError::NotFound(ENDPOINT))?;
        Ok(self.with_deleted_customers(caller, found).await?.masked())
    }

    /// The endpoint's signing secret in plain: only for callers that may change the endpoint (as Svix
    /// serves the secret apart from the endpoint).
    pub async fn secret(&self, caller: &Caller, id: &str) -> Result<String, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let found = self.management.get_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        found.map(|endpoint| endpoint.signing_secret).ok_or(UseCaseError::NotFound(ENDPOINT))
    }

    pub async fn update(
        &self,
        caller: &Caller,
        id: &str,
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

    pub async fn delete(&self, caller: &Caller, id: &str) -> Result<(), UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let deleted =
            self.management.delete_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        if deleted { Ok(()) } else { Err(UseCaseError::NotFound(ENDPOINT)) }
    }

    pub async fn rotate_secret(&self, caller: &Caller, id: &str) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let rotated = self.management.rotate_secret(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        rotated.ok_or(UseCaseError::NotFound(ENDPOINT))
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
        endpoint_id: Option<String>,
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
}

fn from(what: &'static str, error: crate::error::RepoError) -> UseCaseError {
    UseCaseError::from_repo(what, error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Conflict, RepoError};
    use crate::ports::webhook_management::{
        MockCustomerDirectory, MockRecoveryLog, MockResendLimiter, MockWebhookManagement,
    };
    use crate::use_cases::testing::caller_with;
    use futures::executor::block_on;

    fn endpoint(secret: &str) -> WebhookEndpoint {
        WebhookEndpoint {
            id: Uuid::now_v7().to_string(),
            url: "https://hooks.example.com".into(),
            event_names: vec![],
            event_types: vec![],
            description: String::new(),
            disabled: false,
            customer_ids: vec![],
            include_organization_events: false,
            deleted_customer_ids: vec![],
            signing_secret: secret.into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn use_case_on(backend: MockWebhookManagement) -> ManageWebhooks {
        let mut resends = MockResendLimiter::new();
        resends.expect_admit().returning(|_, _, _, _| Ok(None));
        let api = WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(resends),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits::default(),
        };
        ManageWebhooks::new(api)
    }

    fn new_endpoint(url: &str) -> NewWebhookEndpoint {
        NewWebhookEndpoint {
            url: url.into(),
            event_names: None,
            event_types: None,
            description: None,
            disabled: None,
            customer_ids: None,
            include_organization_events: None,
        }
    }

    #[test]
    fn scopes_are_enforced_before_the_backend_is_called() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().never();
        backend.expect_resend().never();
        let use_case = use_case_on(backend);
        let reader = caller_with(&["read:webhooks"]);
        let created = block_on(use_case.create(&reader, new_endpoint("https://hooks.example.com")));
        assert!(matches!(created, Err(UseCaseError::Forbidden(_))));
        let resent = block_on(use_case.resend(&reader, Uuid::now_v7(), None));
        assert!(matches!(resent, Err(UseCaseError::Forbidden(_))));
        let listed = block_on(use_case.list(&caller_with(&["read:customers"]), Page::default()));
        assert!(matches!(listed, Err(UseCaseError::Forbidden(_))));
    }

    #[test]
    fn a_forbidden_url_is_invalid_and_never_reaches_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().never();
        let use_case = use_case_on(backend);
        let result =
            block_on(use_case.create(&caller_with(&["write:webhooks"]), new_endpoint("https://192.168.0.10/")));
        assert!(matches!(result, Err(UseCaseError::Invalid(_))));
    }

    #[test]
    fn reads_mask_secrets_and_only_writers_see_them() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_list_endpoints().returning(|_, _| Ok(Paged::all(vec![endpoint("whsec_secretvalue9876")])));
        backend.expect_get_endpoint().returning(|_, _| Ok(Some(endpoint("whsec_secretvalue9876"))));
        let use_case = use_case_on(backend);
        let caller = caller_with(&["read:webhooks"]);
        let listed = block_on(use_case.list(&caller, Page::default())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(listed.items[0].signing_secret, "whsec_****9876");
        let one = block_on(use_case.get(&caller, "x")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.signing_secret, "whsec_****9876");
        assert!(matches!(block_on(use_case.secret(&caller, "x")), Err(UseCaseError::Forbidden(_))));
        let writer = caller_with(&["write:webhooks"]);
        assert_eq!(block_on(use_case.secret(&writer, "x")), Ok("whsec_secretvalue9876".to_owned()));
    }

    #[test]
    fn backend_outcomes_map_to_not_found_and_conflict() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_get_endpoint().returning(|_, _| Ok(None));
        backend
            .expect_resend()
            .returning(|_, _, _| Err(RepoError::Conflict(Conflict::new("endpoint_disabled", "disabled"))));
        let use_case = use_case_on(backend);
        let caller = caller_with(&["write:webhooks"]);
        assert!(matches!(block_on(use_case.get(&caller, "missing")), Err(UseCaseError::NotFound(_))));
        let resent = block_on(use_case.resend(&caller, Uuid::now_v7(), Some("e".into())));
        assert!(matches!(resent, Err(UseCaseError::Conflict(c)) if c.code == "endpoint_disabled"));
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use crate::ports::webhook_management::{
        MockCustomerDirectory, MockRecoveryLog, MockResendLimiter, MockWebhookManagement,
    };
    use crate::use_cases::testing::caller_with;
    use futures::executor::block_on;
    use std::time::Duration;

    #[test]
    fn a_resend_past_the_rate_is_refused_with_the_wait_and_never_reaches_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_resend().never();
        let mut resends = MockResendLimiter::new();
        resends
            .expect_admit()
            .withf(|_, _, limit, window| *limit == 2 && *window == Duration::from_secs(60))
            .returning(|_, _, _, _| Ok(Some(Duration::from_secs(42))));
        let use_case = ManageWebhooks::new(WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(resends),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits { max_endpoints: 50, resends_per_minute: 2 },
        });
        let refused = block_on(use_case.resend(&caller_with(&["write:webhooks"]), Uuid::now_v7(), None));
        assert!(
            matches!(refused, Err(UseCaseError::TooManyRequests { retry_after, .. }) if retry_after == Duration::from_secs(42))
        );
    }

    #[test]
    fn the_endpoint_limit_is_handed_to_the_backend() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().withf(|_, _, max| *max == 3).times(1).returning(|_, _, _| {
            Err(crate::error::RepoError::Invalid(crate::error::Conflict::new("too_many_endpoints", "at most 3")))
        });
        let use_case = ManageWebhooks::new(WebhookApi {
            management: Arc::new(backend),
            resends: Arc::new(MockResendLimiter::new()),
            customers: Arc::new(MockCustomerDirectory::new()),
            recoveries: Arc::new(MockRecoveryLog::new()),
            policy: UrlPolicy::default(),
            limits: WebhookLimits { max_endpoints: 3, resends_per_minute: 5 },
        });
        let endpoint = NewWebhookEndpoint {
            url: "https://hooks.example.com".into(),
            event_names: None,
            event_types: None,
            description: None,
            disabled: None,
            customer_ids: None,
            include_organization_events: None,
        };
        let created = block_on(use_case.create(&caller_with(&["write:webhooks"]), endpoint));
        assert!(matches!(created, Err(UseCaseError::Invalid(errors)) if errors.0[0].location == "too_many_endpoints"));
    }
}
