//! The entitlements assigned to a license, with their values.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::license::LicenseEntitlement;
use kaiten_domain::{Access, Module, Paged, Slug};

pub struct ListLicenseEntitlements {
    repos: Repositories,
}

impl ListLicenseEntitlements {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        license_slug: &Slug,
    ) -> Result<Paged<LicenseEntitlement>, UseCaseError> {
        caller.require(Access::Read, Module::Licenses)?;
        let license = self
            .repos
            .licenses
            .find_by_slug(caller.organization_id, license_slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("license"))?;
        let items = self.repos.license_entitlements.of_license(caller.organization_id, &license).await?;
        Ok(Paged::all(items))
    }

    /// One grant of the license.
    pub async fn one(
        &self,
        caller: &Caller,
        license_slug: &Slug,
        entitlement_slug: &Slug,
    ) -> Result<LicenseEntitlement, UseCaseError> {
        let grants = self.execute(caller, license_slug).await?;
        grants
            .items
            .into_iter()
            .find(|grant| &grant.entitlement_slug == entitlement_slug)
            .ok_or(UseCaseError::NotFound("license entitlement"))
    }
}
