//! `PgUnitOfWork`: one transaction on one pooled connection, shared by every repository the work uses.

use crate::accounts::{PgOrganizationRepository, PgServiceAccountRepository};
use crate::connection::{ConnectionSource, PgPool};
use crate::customers::CustomerRow;
use crate::deployment_zones::PgDeploymentZoneRepository;
use crate::deployments::PgDeploymentRepository;
use crate::entitlements::EntitlementRow;
use crate::errors::repo_error;
use crate::feature_flags::FeatureFlagRow;
use crate::instances::PgInstanceRepository;
use crate::license_entitlements::PgLicenseEntitlementRepository;
use crate::licenses::{PgLicenseFamilyRepository, PgLicenseRepository};
use crate::outbox::PgOutboxRepo;
use crate::releases::ReleaseRow;
use crate::scoped::PgScopedRepository;
use crate::token_cache::{CachedTokenRepository, RenamesForgetTokens, TokenCache};
use crate::tokens::PgTokenRepository;
use async_trait::async_trait;
use diesel_async::{AnsiTransactionManager, TransactionManager};
use kaiten_application::ports::unit_of_work::TransactionWork;
use kaiten_application::{RepoError, Repositories, Transaction, UnitOfWork};
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct PgUnitOfWork {
    pool: PgPool,
    token_cache: Option<Arc<TokenCache>>,
}

impl PgUnitOfWork {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, token_cache: None }
    }

    /// A revocation made in a unit of work empties `cache` (before it commits).
    pub fn with_token_cache(self, cache: Arc<TokenCache>) -> Self {
        Self { token_cache: Some(cache), ..self }
    }
}

fn repositories(source: ConnectionSource) -> Repositories {
    Repositories {
        organizations: Arc::new(PgOrganizationRepository::new(source.clone())),
        service_accounts: Arc::new(PgServiceAccountRepository::new(source.clone())),
        tokens: Arc::new(PgTokenRepository::new(source.clone())),
        customers: Arc::new(PgScopedRepository::<CustomerRow>::new(source.clone())),
        entitlements: Arc::new(PgScopedRepository::<EntitlementRow>::new(source.clone())),
        releases: Arc::new(PgScopedRepository::<ReleaseRow>::new(source.clone())),
        feature_flags: Arc::new(PgScopedRepository::<FeatureFlagRow>::new(source.clone())),
        deployment_zones: Arc::new(PgDeploymentZoneRepository::new(source.clone())),
        deployments: Arc::new(PgDeploymentRepository::new(source.clone())),
        licenses: Arc::new(PgLicenseRepository::new(source.clone())),
        license_families: Arc::new(PgLicenseFamilyRepository::new(source.clone())),
        license_entitlements: Arc::new(PgLicenseEntitlementRepository::new(source.clone())),
        instances: Arc::new(PgInstanceRepository::new(source)),
    }
}

/// Repositories that take a pooled connection per call (for reads outside a unit of work).
pub fn pooled_repositories(pool: PgPool) -> Repositories {
    repositories(ConnectionSource::Pool(pool))
}

/// [`pooled_repositories`] whose token lookups go through `cache`.
pub fn pooled_repositories_with_token_cache(pool: PgPool, cache: Arc<TokenCache>) -> Repositories {
    with_token_cache(pooled_repositories(pool), Some(cache))
}

fn with_token_cache(repos: Repositories, cache: Option<Arc<TokenCache>>) -> Repositories {
    match cache {
        Some(cache) => Repositories {
            tokens: Arc::new(CachedTokenRepository::new(repos.tokens, cache.clone())),
            service_accounts: Arc::new(RenamesForgetTokens::new(repos.service_accounts, cache)),
            ..repos
        },
        None => repos,
    }
}

#[async_trait]
impl UnitOfWork for PgUnitOfWork {
    async fn run_boxed<'a>(&self, work: TransactionWork<'a>) -> Result<(), RepoError> {
        let mut connection = crate::connection::pooled(&self.pool).await?;
        AnsiTransactionManager::begin_transaction(&mut *connection).await.map_err(repo_error)?;
        let shared = Arc::new(Mutex::new(connection));
        // If this future is dropped here, the pool sees the connection still in a transaction and
        // discards it instead of reusing it.
        let source = ConnectionSource::Transaction(shared.clone());
        let repos = with_token_cache(repositories(source.clone()), self.token_cache.clone());
        let outcome = work(Transaction { repos, outbox: Arc::new(PgOutboxRepo::new(shared.clone())) }).await;
        let mut connection = shared.lock().await;
        crate::snapshot::end_transaction(&mut connection, outcome).await
    }
}
