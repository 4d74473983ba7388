//! Storage of the organization-scoped resources (customers, entitlements, releases, feature flags,
//! deployment zones, licenses): one port for all of them, [`ScopedRepository`], over the resource's
//! domain type.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::{OutboxEvent, Page, Paged, Slug};
use uuid::Uuid;

/// The resources `R` of one organization, each named by a slug unique in it. Every method is scoped
/// by `organization_id`: another organization's resource is simply not there.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ScopedRepository<R: Send + Sync + 'static>: Send + Sync {
    /// Stores a new resource with the outbox row of `event`, the event reporting its creation: both
    /// are stored or neither, in one write of their own (one statement where the insert is one; in a
    /// transaction of its own otherwise, or in the unit of work's when called inside one).
    /// `Conflict` when the slug, or another field unique in the organization (a release's version, a
    /// license's version in its family), is taken, and `duplicate_event_id` when an event with the
    /// same id exists. A default license takes over from its family's previous default.
    async fn insert_reported(&self, resource: &R, event: &OutboxEvent) -> Result<(), RepoError>;
    /// Replaces the stored resource with the same id (a zone's own fields: its current release
    /// changes only through a deployment; a default license takes over as on creation); `NotFound`
    /// when it is gone. Releases are immutable: nothing but this port's contract test updates one.
    async fn update(&self, resource: &R) -> Result<(), RepoError>;
    /// `NotFound` when it is gone; `Conflict` while something still depends on it (a customer's
    /// or a license's live instances, a zone's placed instances, an entitlement's license links, a
    /// release a zone runs).
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    /// Finds by slug; with `for_update` the row stays locked until the transaction ends.
    async fn find_by_slug(&self, organization_id: Uuid, slug: &Slug, for_update: bool) -> Result<Option<R>, RepoError>;
    /// The resource `id`, locked for share: it cannot be deleted until the transaction ends.
    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<R>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<R>, RepoError>;
}
