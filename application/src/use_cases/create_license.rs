//! Creates a license — version 1 of a new family, or with `familySlug` the family's next version — and
//! appends LICENSE_CREATION in the same transaction.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use kaiten_contract::ToWire;
use kaiten_domain::license::{License, LicenseFamily, NewLicense};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, ValidationErrors, clock};
use serde_json::Value;
use std::sync::Arc;

pub struct CreateLicense {
    uow: Arc<dyn UnitOfWork>,
}

impl CreateLicense {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(&self, caller: &Caller, input: NewLicense) -> Result<License, UseCaseError> {
        caller.require(Access::Write, Module::Licenses)?;
        let actor = caller.actor.clone();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let now = clock::now();
                let (family, version) = match input.family_slug.as_deref() {
                    Some(raw) => {
                        let unknown = || {
                            ValidationErrors::single(
                                "familySlug",
                                "no license family with this slug",
                                Some(Value::from(raw)),
                            )
                        };
                        let slug = Slug::parse(raw).map_err(|_| unknown())?;
                        // The family row is locked until the transaction ends: versions never collide.
                        repos.license_families.next_version_of(organization_id, &slug).await?.ok_or_else(unknown)?
                    }
                    None => {
                        let slug = Slug::given_or_derived("slug", input.slug.as_deref(), &input.name)
                            .map_err(|e| ValidationErrors(vec![e]))?;
                        let family = LicenseFamily { id: uuid::Uuid::now_v7(), slug, last_version: 1 };
                        repos
                            .license_families
                            .insert(organization_id, &family, now)
                            .await
                            .map_err(|e| UseCaseError::from_repo("license", e))?;
                        (family, 1)
                    }
                };
                let license = License::create(organization_id, input, &family, version, &actor, now)?;
                let event =
                    OutboxEvent::of(EventKind::LicenseCreation, organization_id, &license.to_wire(), traceparent)?;
                repos
                    .licenses
                    .insert_reported(&license, &event)
                    .await
                    .map_err(|e| UseCaseError::from_repo("license", e))?;
                Ok(license)
            })
            .await
    }
}
