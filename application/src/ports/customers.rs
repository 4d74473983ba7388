//! Storage of customers.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::customer::Customer;
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

/// Customers of one organization. Every method is scoped by `organization_id`: another
/// organization's customer is simply not there.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CustomerRepository: Send + Sync {
    /// Fails with `Conflict` when the slug is taken in the organization.
    async fn insert(&self, customer: &Customer) -> Result<(), RepoError>;
    /// Replaces the stored customer with the same id; `NotFound` when it is gone.
    async fn update(&self, customer: &Customer) -> Result<(), RepoError>;
    /// `Conflict` while the customer still has live instances; `NotFound` when it is gone.
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    /// Finds by slug; with `for_update` the row stays locked until the transaction ends.
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Customer>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Customer>, RepoError>;
}
