//! The webhook API's use cases: endpoints (create, list, get, update, delete, rotate the secret),
//! the delivery history, message inspection and resend — on whichever backend implements
//! `WebhookManagement`, behind the `read:webhooks` / `write:webhooks` scopes.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::webhook_management::WebhookManagement;
use kaiten_domain::webhook::{
    DeliveryAttempt, HistoryFilter, NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointChanges, WebhookMessage,
};
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_domain::{Access, Module, Page, Paged};
use std::sync::Arc;
use uuid::Uuid;

pub struct ManageWebhooks {
    management: Arc<dyn WebhookManagement>,
    policy: UrlPolicy,
}

const ENDPOINT: &str = "webhook endpoint";
const MESSAGE: &str = "webhook message";

impl ManageWebhooks {
    pub fn new(management: Arc<dyn WebhookManagement>, policy: UrlPolicy) -> Self {
        Self { management, policy }
    }

    pub async fn create(&self, caller: &Caller, input: NewWebhookEndpoint) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let draft = input.validate(&self.policy)?;
        self.management.create_endpoint(caller.organization_id, draft).await.map_err(|e| from(ENDPOINT, e))
    }

    /// Secrets are masked in lists.
    pub async fn list(&self, caller: &Caller, page: Page) -> Result<Paged<WebhookEndpoint>, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let listed =
            self.management.list_endpoints(caller.organization_id, page).await.map_err(|e| from(ENDPOINT, e))?;
        Ok(Paged { items: listed.items.into_iter().map(WebhookEndpoint::masked).collect(), total: listed.total })
    }

    pub async fn get(&self, caller: &Caller, id: &str) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found = self.management.get_endpoint(caller.organization_id, id).await.map_err(|e| from(ENDPOINT, e))?;
        found.ok_or(UseCaseError::NotFound(ENDPOINT))
    }

    pub async fn update(
        &self,
        caller: &Caller,
        id: &str,
        changes: WebhookEndpointChanges,
    ) -> Result<WebhookEndpoint, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
        let patch = changes.validate(&self.policy)?;
        let updated =
            self.management.update_endpoint(caller.organization_id, id, patch).await.map_err(|e| from(ENDPOINT, e))?;
        updated.ok_or(UseCaseError::NotFound(ENDPOINT))
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

    pub async fn message(&self, caller: &Caller, event_id: Uuid) -> Result<WebhookMessage, UseCaseError> {
        caller.require(Access::Read, Module::Webhooks)?;
        let found = self.management.message(caller.organization_id, event_id).await.map_err(|e| from(MESSAGE, e))?;
        found.ok_or(UseCaseError::NotFound(MESSAGE))
    }

    /// How many attempts were queued.
    pub async fn resend(
        &self,
        caller: &Caller,
        event_id: Uuid,
        endpoint_id: Option<String>,
    ) -> Result<usize, UseCaseError> {
        caller.require(Access::Write, Module::Webhooks)?;
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
    use crate::ports::webhook_management::MockWebhookManagement;
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
            signing_secret: secret.into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn new_endpoint(url: &str) -> NewWebhookEndpoint {
        NewWebhookEndpoint { url: url.into(), event_names: None, event_types: None, description: None, disabled: None }
    }

    #[test]
    fn scopes_are_enforced_before_the_backend_is_called() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_create_endpoint().never();
        backend.expect_resend().never();
        let use_case = ManageWebhooks::new(Arc::new(backend), UrlPolicy::default());
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
        let use_case = ManageWebhooks::new(Arc::new(backend), UrlPolicy::default());
        let result =
            block_on(use_case.create(&caller_with(&["write:webhooks"]), new_endpoint("https://192.168.0.10/")));
        assert!(matches!(result, Err(UseCaseError::Invalid(_))));
    }

    #[test]
    fn lists_mask_secrets_and_reads_show_them() {
        let mut backend = MockWebhookManagement::new();
        backend
            .expect_list_endpoints()
            .returning(|_, _| Ok(Paged { items: vec![endpoint("whsec_secretvalue9876")], total: 1 }));
        backend.expect_get_endpoint().returning(|_, _| Ok(Some(endpoint("whsec_secretvalue9876"))));
        let use_case = ManageWebhooks::new(Arc::new(backend), UrlPolicy::default());
        let caller = caller_with(&["read:webhooks"]);
        let listed = block_on(use_case.list(&caller, Page::default())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(listed.items[0].signing_secret, "whsec_****9876");
        let one = block_on(use_case.get(&caller, "x")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.signing_secret, "whsec_secretvalue9876");
    }

    #[test]
    fn backend_outcomes_map_to_not_found_and_conflict() {
        let mut backend = MockWebhookManagement::new();
        backend.expect_get_endpoint().returning(|_, _| Ok(None));
        backend
            .expect_resend()
            .returning(|_, _, _| Err(RepoError::Conflict(Conflict::new("endpoint_disabled", "disabled"))));
        let use_case = ManageWebhooks::new(Arc::new(backend), UrlPolicy::default());
        let caller = caller_with(&["write:webhooks"]);
        assert!(matches!(block_on(use_case.get(&caller, "missing")), Err(UseCaseError::NotFound(_))));
        let resent = block_on(use_case.resend(&caller, Uuid::now_v7(), Some("e".into())));
        assert!(matches!(resent, Err(UseCaseError::Conflict(c)) if c.code == "endpoint_disabled"));
    }
}
