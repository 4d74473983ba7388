//! Storage of instances, their references and their metered usage.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::instance::{Instance, Reference, UsageAggregate};
use kaiten_domain::instance_audit::{AuditEntry, AuditFilter};
use kaiten_domain::{Page, Paged, Slug};
use uuid::Uuid;

/// What an instance refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceTarget {
    Customer,
    License,
    DeploymentZone,
}

/// How a reference was given: by slug or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceKey {
    Slug(Slug),
    Id(Uuid),
}

/// Instances of one organization (every method is scoped by `organization_id`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait InstanceRepository: Send + Sync {
    /// `Conflict` when a live instance has the slug.
    async fn insert(&self, instance: &Instance) -> Result<(), RepoError>;
    async fn update(&self, instance: &Instance) -> Result<(), RepoError>;
    /// Marks the instance deleted (it stays readable with `include_deleted`).
    async fn soft_delete(&self, instance: &Instance) -> Result<(), RepoError>;
    /// The live instance with this slug (with its references' slugs).
    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Instance>, RepoError>;
    /// Newest first; soft-deleted ones only with `include_deleted`.
    async fn list(
        &self,
        organization_id: Uuid,
        page: Page,
        include_deleted: bool,
    ) -> Result<Paged<Instance>, RepoError>;
    /// Resolves a customer, license or zone of the organization.
    async fn reference(
        &self,
        organization_id: Uuid,
        target: ReferenceTarget,
        key: &ReferenceKey,
    ) -> Result<Option<Reference>, RepoError>;
    /// The stored usage of one entitlement, locked until the transaction ends (zero when none yet).
    async fn lock_usage(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        entitlement_id: Uuid,
    ) -> Result<UsageAggregate, RepoError>;
    async fn store_usage(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        entitlement_id: Uuid,
        usage: UsageAggregate,
    ) -> Result<(), RepoError>;
    /// Every entitlement with usage on the instance: (entitlement id, entitlement slug, usage).
    async fn usages(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
    ) -> Result<Vec<(Uuid, Slug, UsageAggregate)>, RepoError>;
    /// Appends an entry to the instance's audit trail.
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), RepoError>;
    /// The instance's audit trail, newest first, as `filter` selects it.
    async fn audit_trail(
        &self,
        organization_id: Uuid,
        instance_id: Uuid,
        filter: &AuditFilter,
    ) -> Result<Paged<AuditEntry>, RepoError>;
}
