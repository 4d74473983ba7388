//! Creates a service account in the caller's organization.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::token::{NewServiceAccount, ServiceAccount};
use kaiten_domain::{Access, Module, clock};
use std::sync::Arc;

pub struct CreateServiceAccount {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateServiceAccount {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewServiceAccount) -> Result<ServiceAccount, UseCaseError> {
        caller.require(Access::Write, Module::Tokens)?;
        let account = ServiceAccount::create(caller.organization_id, input, &caller.actor, clock::now())?;
        let stored = account.clone();
        self.uow
            .run(|repos| async move {
                repos.service_accounts.insert(&stored).await.map_err(|e| UseCaseError::from_repo("service account", e))
            })
            .await?;
        Ok(account)
    }
}
