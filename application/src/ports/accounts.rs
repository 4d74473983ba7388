//! Storage of organizations, service accounts and API tokens.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::organization::Organization;
use kaiten_domain::token::{ApiToken, ServiceAccount};
use kaiten_domain::{Actor, EventNaming, Page, Paged, Slug};
use uuid::Uuid;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OrganizationRepository: Send + Sync {
    async fn insert(&self, organization: &Organization) -> Result<(), RepoError>;
    async fn find(&self, id: Uuid) -> Result<Option<Organization>, RepoError>;
    /// Stores the spelling of event names the organization's webhooks carry.
    async fn set_webhook_event_names(&self, id: Uuid, naming: EventNaming) -> Result<(), RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ServiceAccountRepository: Send + Sync {
    async fn insert(&self, account: &ServiceAccount) -> Result<(), RepoError>;
    async fn find_by_slug(&self, organization_id: Uuid, slug: &Slug) -> Result<Option<ServiceAccount>, RepoError>;
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<ServiceAccount>, RepoError>;
    /// Stores the account's new name.
    async fn rename(&self, account: &ServiceAccount) -> Result<(), RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait TokenRepository: Send + Sync {
    /// Stores the token with the SHA-256 of its secret (never the secret).
    async fn insert(&self, token: &ApiToken, secret_sha256: &str) -> Result<(), RepoError>;
    /// The token whose secret hashes to `secret_sha256`, whatever its state, and its service account
    /// as the actor of what the token does.
    async fn find_by_hash(&self, secret_sha256: &str) -> Result<Option<(ApiToken, Actor)>, RepoError>;
    async fn find_by_slug(&self, account: &ServiceAccount, slug: &Slug) -> Result<Option<ApiToken>, RepoError>;
    async fn list(&self, account: &ServiceAccount, page: Page) -> Result<Paged<ApiToken>, RepoError>;
    /// The newest `per_account` tokens of each of `account_ids` (of `organization_id`), in one query.
    async fn newest_of(
        &self,
        organization_id: Uuid,
        account_ids: &[Uuid],
        per_account: i64,
    ) -> Result<Vec<ApiToken>, RepoError>;
    /// Marks the token revoked now by `by`; revoking twice keeps the first time and actor.
    async fn revoke(&self, token: &ApiToken, by: &Actor) -> Result<ApiToken, RepoError>;
}
