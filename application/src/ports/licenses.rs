//! Storage of licenses and the entitlement values assigned to them.

use crate::error::RepoError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_domain::license::{License, LicenseEntitlement, LicenseFamily};
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

/// Licenses of one organization (every method is scoped by `organization_id`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LicenseRepository: Send + Sync {
    /// `Conflict` when the slug, or the version in the family, is taken. A default license takes
    /// over from its family's previous default.
    async fn insert(&self, license: &License) -> Result<(), RepoError>;
    /// As `insert`, for an existing license.
    async fn update(&self, license: &License) -> Result<(), RepoError>;
    /// `Conflict` while a live instance uses it.
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<License>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<License>, RepoError>;
    /// Starts a family (its version 1 is about to be inserted); `Conflict` when the slug is taken.
    async fn insert_family(
        &self,
        organization_id: Uuid,
        family: &LicenseFamily,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// The organization's family `slug` with its next version taken (the family row is locked).
    async fn next_version_of(
        &self,
        organization_id: Uuid,
        slug: &Slug,
    ) -> Result<Option<(LicenseFamily, i32)>, RepoError>;
    /// `Conflict` when the entitlement is already assigned to the license.
    async fn assign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// `NotFound` when the entitlement is not assigned to the license.
    async fn update_link(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// `NotFound` when the entitlement is not assigned to the license.
    async fn unassign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// The license's entitlement links, in assignment order.
    async fn links(&self, organization_id: Uuid, license: &License) -> Result<Vec<LicenseEntitlement>, RepoError>;
}
