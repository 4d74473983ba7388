//! Test doubles for use-case tests: mocked repositories and a unit of work that runs the work
//! against them, recording what was appended and whether it committed.

use crate::caller::Caller;
use crate::error::RepoError;
use crate::ports::accounts::{MockOrganizationRepository, MockServiceAccountRepository, MockTokenRepository};
use crate::ports::deployment_zones::MockDeploymentRepository;
use crate::ports::instances::MockInstanceRepository;
use crate::ports::licenses::{MockLicenseEntitlementRepository, MockLicenseFamilyRepository};
use crate::ports::outbox::{MockOutboxRepo, OutboxRepo};
use crate::ports::scoped::MockScopedRepository;
use crate::ports::unit_of_work::{Repositories, Transaction, TransactionWork, UnitOfWork};
use async_trait::async_trait;
use kaiten_domain::customer::{Customer, NewCustomer};
use kaiten_domain::deployment_zone::DeploymentZone;
use kaiten_domain::entitlement::Entitlement;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::license::License;
use kaiten_domain::release::Release;
use kaiten_domain::{OutboxEvent, ScopeSet, clock};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub struct MockRepositories {
    pub organizations: MockOrganizationRepository,
    pub service_accounts: MockServiceAccountRepository,
    pub tokens: MockTokenRepository,
    pub customers: MockScopedRepository<Customer>,
    pub entitlements: MockScopedRepository<Entitlement>,
    pub releases: MockScopedRepository<Release>,
    pub feature_flags: MockScopedRepository<FeatureFlag>,
    pub deployment_zones: MockScopedRepository<DeploymentZone>,
    pub deployments: MockDeploymentRepository,
    pub licenses: MockScopedRepository<License>,
    pub license_families: MockLicenseFamilyRepository,
    pub license_entitlements: MockLicenseEntitlementRepository,
    pub instances: MockInstanceRepository,
    pub outbox: MockOutboxRepo,
}

pub fn repositories() -> MockRepositories {
    MockRepositories {
        organizations: MockOrganizationRepository::new(),
        service_accounts: MockServiceAccountRepository::new(),
        tokens: MockTokenRepository::new(),
        customers: MockScopedRepository::new(),
        entitlements: MockScopedRepository::new(),
        releases: MockScopedRepository::new(),
        feature_flags: MockScopedRepository::new(),
        deployment_zones: MockScopedRepository::new(),
        deployments: MockDeploymentRepository::new(),
        licenses: MockScopedRepository::new(),
        license_families: MockLicenseFamilyRepository::new(),
        license_entitlements: MockLicenseEntitlementRepository::new(),
        instances: MockInstanceRepository::new(),
        outbox: MockOutboxRepo::new(),
    }
}

/// Records appended events, then passes them to the mock (which decides success).
struct RecordingOutbox {
    inner: MockOutboxRepo,
    appended: Arc<Mutex<Vec<OutboxEvent>>>,
}

#[async_trait]
impl OutboxRepo for RecordingOutbox {
    async fn append(&self, event: &OutboxEvent) -> Result<(), RepoError> {
        self.inner.append(event).await?;
        self.appended.lock().map_err(|e| RepoError::Unexpected(e.to_string()))?.push(event.clone());
        Ok(())
    }
}

/// The mocks as pooled repositories (outside any unit of work), and the outbox mock apart.
pub fn split(mocks: MockRepositories) -> (Repositories, MockOutboxRepo) {
    let repos = Repositories {
        organizations: Arc::new(mocks.organizations),
        service_accounts: Arc::new(mocks.service_accounts),
        tokens: Arc::new(mocks.tokens),
        customers: Arc::new(mocks.customers),
        entitlements: Arc::new(mocks.entitlements),
        releases: Arc::new(mocks.releases),
        feature_flags: Arc::new(mocks.feature_flags),
        deployment_zones: Arc::new(mocks.deployment_zones),
        deployments: Arc::new(mocks.deployments),
        licenses: Arc::new(mocks.licenses),
        license_families: Arc::new(mocks.license_families),
        license_entitlements: Arc::new(mocks.license_entitlements),
        instances: Arc::new(mocks.instances),
    };
    (repos, mocks.outbox)
}

#[derive(Default)]
struct State {
    committed: bool,
}

pub struct FakeUnitOfWork {
    repos: Mutex<Option<Transaction>>,
    appended: Arc<Mutex<Vec<OutboxEvent>>>,
    state: Mutex<State>,
}

impl FakeUnitOfWork {
    pub fn new(mocks: MockRepositories) -> Arc<Self> {
        let appended = Arc::new(Mutex::new(Vec::new()));
        let (repos, outbox) = split(mocks);
        let outbox = Arc::new(RecordingOutbox { inner: outbox, appended: appended.clone() });
        let repos = Transaction { repos, outbox };
        Arc::new(Self { repos: Mutex::new(Some(repos)), appended, state: Mutex::default() })
    }

    /// Events appended by work that committed.
    pub fn appended(&self) -> Vec<OutboxEvent> {
        if self.committed() { self.appended.lock().map(|e| e.clone()).unwrap_or_default() } else { Vec::new() }
    }

    pub fn committed(&self) -> bool {
        self.state.lock().map(|s| s.committed).unwrap_or(false)
    }
}

#[async_trait]
impl UnitOfWork for FakeUnitOfWork {
    async fn run_boxed<'a>(&self, work: TransactionWork<'a>) -> Result<(), RepoError> {
        let repos = self
            .repos
            .lock()
            .ok()
            .and_then(|mut r| r.take())
            .ok_or_else(|| RepoError::Unexpected("ran twice".into()))?;
        let commit = work(repos).await?;
        let mut state = self.state.lock().map_err(|e| RepoError::Unexpected(e.to_string()))?;
        state.committed = commit;
        Ok(())
    }
}

pub fn caller_with(scopes: &[&str]) -> Caller {
    Caller {
        organization_id: Uuid::from_u128(7),
        token_id: None,
        actor: kaiten_domain::Actor::new(Uuid::from_u128(70), "Test account"),
        scopes: ScopeSet::parse(scopes).unwrap_or_default(),
        expires_at: None,
        traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into()),
    }
}

pub fn stored_customer() -> Customer {
    let input = NewCustomer { name: "Acme Corp".into(), slug: None, external_customer_id: None, domain: None };
    Customer::create(Uuid::from_u128(7), input, &caller_with(&[]).actor, clock::now()).unwrap_or_else(|e| panic!("{e}"))
}
