//! Removes an entitlement from a license and appends LICENSE_ENTITLEMENT_UNASSIGNMENT (the link as it
//! was) in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::LicenseEntitlement;
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug};
use std::sync::Arc;

pub struct UnassignEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl UnassignEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        license_slug: &Slug,
        entitlement_slug: &Slug,
    ) -> Result<LicenseEntitlement, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let license = repos
                    .licenses
                    .find_by_slug(organization_id, license_slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                let link = repos
                    .license_entitlements
                    .of_license(organization_id, &license)
                    .await?
                    .into_iter()
                    .find(|link| &link.entitlement_slug == entitlement_slug)
                    .ok_or(UseCaseError::NotFound("license entitlement"))?;
                repos
                    .license_entitlements
                    .unassign(organization_id, &link)
                    .await
                    .map_err(|e| UseCaseError::from_repo("license entitlement", e))?;
                let event = OutboxEvent::of(
                    EventKind::LicenseEntitlementUnassignment,
                    organization_id,
                    &link.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(link)
            })
            .await
    }
}
