//! Assigns an entitlement to a license with a value that fits the entitlement's type, and appends
//! LICENSE_ENTITLEMENT_ASSIGNMENT in the same transaction; assigning twice is a conflict.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::{LicenseEntitlement, NewLicenseEntitlement};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, ValidationErrors, clock};
use serde_json::Value;
use std::sync::Arc;

pub struct AssignEntitlement {
    uow: Arc<dyn UnitOfWork>,
}

impl AssignEntitlement {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        license_slug: &Slug,
        input: NewLicenseEntitlement,
    ) -> Result<LicenseEntitlement, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let actor = caller.actor.clone();
        let unknown = || {
            ValidationErrors::single(
                "entitlementSlug",
                "no entitlement with this slug",
                Some(Value::from(input.entitlement_slug.clone())),
            )
        };
        let entitlement_slug = Slug::parse(&input.entitlement_slug).map_err(|_| unknown())?;
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let license = repos
                    .licenses
                    .find_by_slug(organization_id, license_slug, true)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                let entitlement = repos
                    .entitlements
                    .find_by_slug(organization_id, &entitlement_slug, false)
                    .await?
                    .ok_or_else(unknown)?;
                let link = LicenseEntitlement::grant(
                    &license,
                    &entitlement,
                    input.value,
                    input.limit_cap_exceeded_overage_percent,
                    &actor,
                    clock::now(),
                )
                .map_err(ValidationErrors::from)?;
                repos
                    .license_entitlements
                    .assign(organization_id, &link)
                    .await
                    .map_err(|e| UseCaseError::from_repo("license", e))?;
                let event = OutboxEvent::of(
                    EventKind::LicenseEntitlementAssignment,
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
