//! Renames a service account (`PUT /api/service-accounts/{slug}`); its slug and tokens stay.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_domain::token::{ServiceAccount, ServiceAccountUpdate};
use kaiten_domain::{Access, Module, Slug};
use std::sync::Arc;

pub struct RenameServiceAccount {
    uow: Arc<dyn UnitOfWork>,
}

impl RenameServiceAccount {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        slug: &Slug,
        update: ServiceAccountUpdate,
    ) -> Result<ServiceAccount, UseCaseError> {
        caller.require(Access::Write, Module::Tokens)?;
        let organization_id = caller.organization_id;
        self.uow
            .run(|repos| async move {
                let current = repos
                    .service_accounts
                    .find_by_slug(organization_id, slug)
                    .await?
                    .ok_or(UseCaseError::NotFound("service account"))?;
                let renamed = current.rename(update)?;
                repos
                    .service_accounts
                    .rename(&renamed)
                    .await
                    .map_err(|e| UseCaseError::from_repo("service account", e))?;
                Ok(renamed)
            })
            .await
    }
}
