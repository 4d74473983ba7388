//! Storage of entitlements, releases and feature flags.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::release::Release;
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

/// Entitlements of one organization (every method is scoped by `organization_id`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EntitlementRepository: Send + Sync {
    /// `Conflict` when the slug is taken.
    async fn insert(&self, entitlement: &Entitlement) -> Result<(), RepoError>;
    async fn update(&self, entitlement: &Entitlement) -> Result<(), RepoError>;
    /// `Conflict` while the entitlement is assigned to a license.
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Entitlement>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Entitlement>, RepoError>;
}

/// Releases of one organization; immutable once created.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReleaseRepository: Send + Sync {
    /// `Conflict` when the slug or the version is taken.
    async fn insert(&self, release: &Release) -> Result<(), RepoError>;
    /// `Conflict` while a deployment zone runs it.
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Release>, RepoError>;
    /// The organization's release `id`, locked for share (it cannot be deleted meanwhile).
    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<Release>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Release>, RepoError>;
}

/// Feature flags of one organization.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait FeatureFlagRepository: Send + Sync {
    async fn insert(&self, flag: &FeatureFlag) -> Result<(), RepoError>;
    async fn update(&self, flag: &FeatureFlag) -> Result<(), RepoError>;
    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<FeatureFlag>, RepoError>;
    /// Newest first.
    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<FeatureFlag>, RepoError>;
}
