//! Folds a usage report into an instance's usage of a NUMBER entitlement, with the entitlement's
//! aggregation method, under a row lock (concurrent reports are never lost). A report that would take
//! the usage above the license's limit is a conflict and stores nothing; the report that makes it
//! reach the limit appends INSTANCE_ENTITLEMENT_USAGE_REACHED, once per transition.

use crate::caller::Caller;
use crate::error::{Conflict, UseCaseError};
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::use_cases::instance_audit::append_instance_event;
use kaiten_contract::instance_usage::UsageReached;
use kaiten_domain::entitlement::AggregationMethod;
use kaiten_domain::instance::{InstanceUsage, UsageLimit, UsageReport, UsageValue};
use kaiten_domain::{Access, EventKind, Module, OutboxEvent, Slug, ValidationErrors};
use serde_json::Value;
use std::sync::Arc;

pub struct ReportUsage {
    uow: Arc<dyn UnitOfWork>,
}

impl ReportUsage {
    pub fn new(uow: Arc<dyn UnitOfWork>) -> Self {
        Self { uow }
    }

    pub async fn execute(
        &self,
        caller: &Caller,
        instance_slug: &Slug,
        entitlement_slug: &Slug,
        report: UsageReport,
    ) -> Result<InstanceUsage, UseCaseError> {
        caller.require(Access::Write, Module::Instances)?;
        let reported = report.number().map_err(ValidationErrors::from)?;
        if let Some(metadata) = &report.metadata
            && !metadata.is_object()
        {
            return Err(ValidationErrors::single("metadata", "must be an object", Some(metadata.clone())).into());
        }
        let behavior = report.behavior.unwrap_or_default();
        let organization_id = caller.organization_id;
        let traceparent = caller.traceparent.clone();
        self.uow
            .run(|repos| async move {
                let instance = repos
                    .instances
                    .find_by_slug(organization_id, instance_slug, false)
                    .await?
                    .ok_or(UseCaseError::NotFound("instance"))?;
                let entitlement = repos
                    .entitlements
                    .find_by_slug(organization_id, entitlement_slug, false)
                    .await?
                    .ok_or(UseCaseError::NotFound("entitlement"))?;
                let invalid = |message: &str| {
                    UseCaseError::Invalid(ValidationErrors::single(
                        "entitlementSlug",
                        message,
                        Some(Value::from(entitlement_slug.to_string())),
                    ))
                };
                if !entitlement.entitlement_type.is_metered() {
                    return Err(invalid("usage is reported only for NUMBER entitlements"));
                }
                let license_slug =
                    instance.license_slug.clone().ok_or_else(|| invalid("the instance has no license"))?;
                let license = repos
                    .licenses
                    .find_by_slug(organization_id, &license_slug, false)
                    .await?
                    .ok_or(UseCaseError::NotFound("license"))?;
                let grant = repos
                    .license_entitlements
                    .of_license(organization_id, &license)
                    .await?
                    .into_iter()
                    .find(|link| link.entitlement_id == entitlement.id)
                    .filter(|link| link.value.quantity().is_some())
                    .ok_or_else(|| invalid("the instance's license does not grant this entitlement"))?;
                let (limit, cap) = (grant.value.quantity().unwrap_or_default(), grant.usage_cap());
                let before = repos.instances.lock_usage(organization_id, instance.id, entitlement.id).await?;
                let method = entitlement.aggregation_method.unwrap_or(AggregationMethod::Sum);
                let after = before.fold(method, behavior, reported).ok_or_else(|| {
                    UseCaseError::Invalid(ValidationErrors::single(
                        "value",
                        "the usage would exceed the largest quantity that can be stored",
                        None,
                    ))
                })?;
                if let Some(cap) = cap
                    && after.value > cap
                {
                    return Err(UseCaseError::Conflict(Conflict::new(
                        "usage_over_limit",
                        format!("the usage would be {} but the license allows {cap}", after.value),
                    )));
                }
                repos.instances.store_usage(organization_id, instance.id, entitlement.id, after).await?;
                let value =
                    UsageValue { value_type: "number".into(), value: after.value, event_count: after.event_count };
                let limit = UsageLimit { value_type: "number".into(), value: limit };
                // An unlimited grant (-1) has no limit to reach.
                if cap.is_some() && before.reaches(after, limit.value) {
                    let reached = UsageReached {
                        instance_id: instance.id,
                        instance_slug: instance.slug.clone().into(),
                        entitlement_id: entitlement.id,
                        entitlement_slug: entitlement.slug.clone().into(),
                        license_id: license.id,
                        license_slug: license.slug.clone().into(),
                        customer_id: instance.customer_id,
                        customer_slug: instance.customer_slug.clone().map(Into::into),
                        value: value.clone().into(),
                        limit: limit.clone().into(),
                    };
                    let event = OutboxEvent::of(
                        EventKind::InstanceEntitlementUsageReached,
                        organization_id,
                        &reached,
                        traceparent,
                    )?;
                    append_instance_event(&repos, &instance, event).await?;
                }
                Ok(InstanceUsage {
                    instance_id: instance.id,
                    instance_slug: instance.slug,
                    entitlement_id: entitlement.id,
                    entitlement_slug: entitlement.slug,
                    license_id: Some(license.id),
                    license_slug: Some(license.slug),
                    value,
                    limit: Some(limit),
                })
            })
            .await
    }
}
