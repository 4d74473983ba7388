//! Endpoint management, delivery history and payload inspection: one port, implemented by the
//! built-in delivery engine and by the Svix adapter, so the webhook API is the same on both.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::webhook::{
    AttemptPage, DeliveryAttempt, EndpointDraft, EndpointPatch, HistoryFilter, WebhookEndpoint, WebhookMessage,
};
use kaiten_domain::{Page, Paged};
use uuid::Uuid;

/// Every method is scoped by `organization_id`: another organization's endpoint or message is
/// simply not there (`None`, `NotFound`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookManagement: Send + Sync {
    /// Creates the endpoint unless the organization already has `max_endpoints` (then `Invalid`).
    async fn create_endpoint(
        &self,
        organization_id: Uuid,
        draft: EndpointDraft,
        max_endpoints: usize,
    ) -> Result<WebhookEndpoint, RepoError>;
    /// Newest first, secrets included (the use case masks them).
    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<WebhookEndpoint>, RepoError>;
    async fn get_endpoint(&self, organization_id: Uuid, id: &str) -> Result<Option<WebhookEndpoint>, RepoError>;
    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: &str,
        patch: EndpointPatch,
    ) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// `false` when there was no such endpoint.
    async fn delete_endpoint(&self, organization_id: Uuid, id: &str) -> Result<bool, RepoError>;
    /// A new secret; the previous one keeps signing for 24 hours.
    async fn rotate_secret(&self, organization_id: Uuid, id: &str) -> Result<Option<WebhookEndpoint>, RepoError>;
    /// Attempts, newest first.
    async fn history(&self, organization_id: Uuid, filter: HistoryFilter) -> Result<Paged<DeliveryAttempt>, RepoError>;
    /// The message with one page of its attempts.
    async fn message(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        attempts: AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError>;
    /// Queues a new attempt now to `endpoint_id`, or to every enabled endpoint subscribed to the
    /// event; returns how many were queued. `NotFound` for an unknown message or endpoint,
    /// `Conflict` for a disabled endpoint.
    async fn resend(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        endpoint_id: Option<String>,
    ) -> Result<usize, RepoError>;
}

/// Counts the resends of each message, so that a message is resent at most `limit` times per window
/// whichever process or backend serves the request.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ResendLimiter: Send + Sync {
    /// Counts one resend of `event_id`: `Ok(None)` when it is allowed, `Ok(Some(wait))` when the
    /// message has had `limit` resends in the current `window` already (`wait` until the window ends).
    async fn admit(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        limit: u32,
        window: std::time::Duration,
    ) -> Result<Option<std::time::Duration>, RepoError>;
}

/// The organization's customers, as endpoints scoped to customers name them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CustomerDirectory: Send + Sync {
    /// Of the customers named by `ids` or `slugs`, the organization's: `(id, slug)` each.
    async fn existing(
        &self,
        organization_id: Uuid,
        ids: &[Uuid],
        slugs: &[String],
    ) -> Result<Vec<(Uuid, String)>, RepoError>;
}
