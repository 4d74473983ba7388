//! Changes the value of an entitlement on a license and appends LICENSE_ENTITLEMENT_UPDATE in the same
//! transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::clock;
use kaiten_domain::license::{LicenseEntitlement, LicenseEntitlementChanges};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, ValidationErrors};
use std::sync::Arc;

pub struct UpdateLicenseEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl UpdateLicenseEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        license_slug: &Slug,
        entitlement_slug: &Slug,
        changes: LicenseEntitlementChanges,
    ) -> Result<LicenseEntitlement, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let license = repos
                    .licenses
                    .find_by_slug(organization_id, license_slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                let current = repos
                    .license_entitlements
                    .of_license(organization_id, &license)
                    .await?
                    .into_iter()
                    .find(|link| &link.entitlement_slug == entitlement_slug)
                    .ok_or(UseCaseError::NotFound("license entitlement"))?;
                let link = current
                    .revalue(changes.value, changes.limit_cap_exceeded_overage_percent, &actor, clock::now())
                    .map_err(ValidationErrors::from)?;
                repos
                    .license_entitlements
                    .update(organization_id, &link)
                    .await
                    .map_err(|e| UseCaseError::from_repo("license entitlement", e))?;
                let event = OutboxEvent::update(
                    EventKind::LicenseEntitlementUpdate,
                    organization_id,
                    &current.to_wire(),
                    &link.to_wire(),
                    traceparent,
                )?;
                repos.outbox.append(&event).await?;
                Ok(link)
            })
            .await
    }
}
