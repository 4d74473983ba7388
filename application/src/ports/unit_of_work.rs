//! The unit of work: runs a piece of work in one database transaction, handing it repositories bound
//! to that transaction. The work's writes and its outbox events commit together or not at all.

use crate::error::RepoError;
use crate::ports::accounts::{OrganizationRepository, ServiceAccountRepository, TokenRepository};
use crate::ports::deployment_zones::DeploymentRepository;
use crate::ports::instances::InstanceRepository;
use crate::ports::licenses::{LicenseEntitlementRepository, LicenseFamilyRepository};
use crate::ports::outbox::OutboxRepo;
use crate::ports::scoped::ScopedRepository;
use async_trait::async_trait;
use futures::future::BoxFuture;
use kaiten_domain::customer::Customer;
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::license::License;
use kaiten_domain::release::Release;
use std::future::Future;
use std::sync::Arc;

/// The repositories, all bound to one connection: inside a unit of work to its transaction,
/// outside (for reads, and creations written in one statement) to the pool. The outbox is not among
/// them: only a [`Transaction`] has it.
/// The six organization-scoped resources share one port, [`ScopedRepository`]; what only one of them
/// has (a zone's deployments, a license's family and entitlement values) is a port of its own.
#[derive(Clone)]
pub struct Repositories {
    pub organizations: Arc<dyn OrganizationRepository>,
    pub service_accounts: Arc<dyn ServiceAccountRepository>,
    pub tokens: Arc<dyn TokenRepository>,
    pub customers: Arc<dyn ScopedRepository<Customer>>,
    pub entitlements: Arc<dyn ScopedRepository<Entitlement>>,
    pub releases: Arc<dyn ScopedRepository<Release>>,
    pub feature_flags: Arc<dyn ScopedRepository<FeatureFlag>>,
    pub deployment_zones: Arc<dyn ScopedRepository<DeploymentZone>>,
    pub deployments: Arc<dyn DeploymentRepository>,
    pub licenses: Arc<dyn ScopedRepository<License>>,
    pub license_families: Arc<dyn LicenseFamilyRepository>,
    pub license_entitlements: Arc<dyn LicenseEntitlementRepository>,
    pub instances: Arc<dyn InstanceRepository>,
}

/// What a unit of work hands its work: the repositories bound to its transaction (reached through
/// `Deref`, as `tx.customers`) and the outbox of that transaction. An event is appended here, or
/// written with the creation it reports by [`ScopedRepository::insert_reported`]; either way it
/// commits with the change it reports or not at all.
#[derive(Clone)]
pub struct Transaction {
    pub repos: Repositories,
    pub outbox: Arc<dyn OutboxRepo>,
}

impl std::ops::Deref for Transaction {
    type Target = Repositories;

    fn deref(&self) -> &Repositories {
        &self.repos
    }
}

/// The work handed to [`UnitOfWork::run_boxed`]: it returns `Ok(true)` to commit, `Ok(false)` to roll back.
pub type TransactionWork<'a> = Box<dyn FnOnce(Transaction) -> BoxFuture<'a, Result<bool, RepoError>> + Send + 'a>;

#[async_trait]
pub trait UnitOfWork: Send + Sync {
    /// Begins a transaction, runs `work` and commits when it returns `Ok(true)`; rolls back otherwise
    /// (including when the work fails). A failed commit is returned as an error.
    async fn run_boxed<'a>(&self, work: TransactionWork<'a>) -> Result<(), RepoError>;
}

/// The typed way to use a unit of work: `uow.run(|repos| async move { … }).await`.
#[async_trait]
pub trait UnitOfWorkExt {
    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back when it returns `Err`.
    async fn run<T, E, F, Fut>(&self, work: F) -> Result<T, E>
    where
        T: Send,
        E: From<RepoError> + Send,
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send;
}

#[async_trait]
impl UnitOfWorkExt for dyn UnitOfWork {
    async fn run<T, E, F, Fut>(&self, work: F) -> Result<T, E>
    where
        T: Send,
        E: From<RepoError> + Send,
        F: FnOnce(Transaction) -> Fut + Send,
        Fut: Future<Output = Result<T, E>> + Send,
    {
        let mut outcome: Option<Result<T, E>> = None;
        let slot = &mut outcome;
        let boxed: TransactionWork<'_> = Box::new(move |repos| {
            Box::pin(async move {
                let result = work(repos).await;
                let commit = result.is_ok();
                *slot = Some(result);
                Ok(commit)
            })
        });
        self.run_boxed(boxed).await?;
        outcome.unwrap_or_else(|| Err(E::from(RepoError::Unexpected("the unit of work did not run its work".into()))))
    }
}
