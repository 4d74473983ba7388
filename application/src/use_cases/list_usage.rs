//! An instance's usage: of every entitlement, or of one.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::instance::{InstanceUsage, UsageLimit, UsageValue};
use kaiten_domain::{Access, Module, Slug};

pub struct ListUsage {
    repos: Repositories,
}

impl ListUsage {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    /// Every entitlement with usage on the instance, or only `entitlement` (404 when it has none).
    pub async fn execute(
        &self,
        caller: &Caller,
        instance_slug: &Slug,
        entitlement: Option<&Slug>,
    ) -> Result<Vec<InstanceUsage>, UseCaseError> {
        caller.require(Access::Read, Module::Instances)?;
        let organization_id = caller.organization_id;
        let instance = self
            .repos
            .instances
            .find_by_slug(organization_id, instance_slug, false)
            .await?
            .ok_or(UseCaseError::NotFound("instance"))?;
        let limits = match &instance.license_slug {
            Some(slug) => match self.repos.licenses.find_by_slug(organization_id, slug, false).await? {
                Some(license) => self.repos.license_entitlements.of_license(organization_id, &license).await?,
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        let items: Vec<InstanceUsage> = self
            .repos
            .instances
            .usages(organization_id, instance.id)
            .await?
            .into_iter()
            .filter(|(_, slug, _)| entitlement.is_none_or(|wanted| wanted == slug))
            .map(|(entitlement_id, slug, usage)| InstanceUsage {
                instance_id: instance.id,
                instance_slug: instance.slug.clone(),
                entitlement_id,
                entitlement_slug: slug,
                license_id: instance.license_id,
                license_slug: instance.license_slug.clone(),
                value: UsageValue { value_type: "number".into(), value: usage.value, event_count: usage.event_count },
                limit: limits
                    .iter()
                    .find(|link| link.entitlement_id == entitlement_id)
                    .and_then(|link| link.value.quantity())
                    .map(|value| UsageLimit { value_type: "number".into(), value }),
            })
            .collect();
        if entitlement.is_some() && items.is_empty() {
            return Err(UseCaseError::NotFound("usage"));
        }
        Ok(items)
    }
}
