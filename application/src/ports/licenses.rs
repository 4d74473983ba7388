//! Storage of license families (versions) and of the entitlement values assigned to licenses (the
//! licenses themselves are a [`ScopedRepository`](crate::ports::scoped::ScopedRepository)).

use crate::error::RepoError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_domain::Slug;
use kaiten_domain::license::{License, LicenseEntitlement, LicenseFamily};
use uuid::Uuid;

/// License families of one organization: a family's versions are licenses sharing its slug.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LicenseFamilyRepository: Send + Sync {
    /// Starts a family (its version 1 is about to be inserted); `Conflict` when the slug is taken.
    async fn insert(&self, organization_id: Uuid, family: &LicenseFamily, now: DateTime<Utc>) -> Result<(), RepoError>;
    /// The organization's family `slug` with its next version taken (the family row is locked).
    async fn next_version_of(
        &self,
        organization_id: Uuid,
        slug: &Slug,
    ) -> Result<Option<(LicenseFamily, i32)>, RepoError>;
}

/// The entitlement values assigned to one organization's licenses.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait LicenseEntitlementRepository: Send + Sync {
    /// `Conflict` when the entitlement is already assigned to the license.
    async fn assign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// `NotFound` when the entitlement is not assigned to the license.
    async fn update(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// `NotFound` when the entitlement is not assigned to the license.
    async fn unassign(&self, organization_id: Uuid, link: &LicenseEntitlement) -> Result<(), RepoError>;
    /// The license's entitlement links, in assignment order.
    async fn of_license(&self, organization_id: Uuid, license: &License) -> Result<Vec<LicenseEntitlement>, RepoError>;
}
