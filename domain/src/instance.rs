//! Instances (installations of the vendor's software at a customer) and their metered usage.

use crate::actor::Actor;
pub use crate::instance_usage::{InstanceUsage, UsageAggregate, UsageBehavior, UsageLimit, UsageReport, UsageValue};
use crate::slug::Slug;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

mod status;

pub use status::{InstancePatch, InstanceStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub customer_id: Option<Uuid>,
    pub customer_slug: Option<Slug>,
    pub license_id: Option<Uuid>,
    pub license_slug: Option<Slug>,
    pub deployment_zone_id: Option<Uuid>,
    pub deployment_zone_slug: Option<Slug>,
    pub start_license_date: DateTime<Utc>,
    /// [`OPEN_ENDED`] when the license term has no end.
    pub end_license_date: DateTime<Utc>,
    pub platform: Option<Value>,
    pub metadata: Option<Value>,
    /// The operational status: HEALTHY, DEGRADED, INCIDENT or MAINTENANCE (`PATCH`).
    pub status: Option<InstanceStatus>,
    /// Free text, e.g. ONBOARDING, ACTIVE, CHURNED (`PATCH`).
    pub lifecycle_stage: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The zone change an instance update makes, which decides the extra event it emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneTransition {
    /// No zone before, a zone now: INSTANCE_DEPLOYMENT.
    Deployed,
    /// From one zone to a different one: INSTANCE_MIGRATION.
    Migrated,
    /// Zone unchanged (or removed): nothing extra.
    Unchanged,
}

impl ZoneTransition {
    pub fn between(before: Option<Uuid>, after: Option<Uuid>) -> Self {
        match (before, after) {
            (None, Some(_)) => Self::Deployed,
            (Some(a), Some(b)) if a != b => Self::Migrated,
            _ => Self::Unchanged,
        }
    }
}

/// The input of `POST /api/instances`: references by slug or by id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInstance {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub customer_slug: Option<String>,
    pub customer_id: Option<Uuid>,
    pub license_slug: Option<String>,
    pub license_id: Option<Uuid>,
    pub deployment_zone_slug: Option<String>,
    pub deployment_zone_id: Option<Uuid>,
    pub start_license_date: Option<DateTime<Utc>>,
    pub end_license_date: Option<DateTime<Utc>>,
    pub platform: Option<Value>,
    pub metadata: Option<Value>,
}

/// The input of `PUT /api/instances/{slug}`: a replacement of the instance's details — an omitted
/// `description` is `""`, omitted `platform` and `metadata` are cleared. Its references and term are
/// kept unless given: an omitted customer, license, zone or date keeps it; an explicit `null` zone
/// takes the instance out of its zone, an explicit `null` date resets it (start: the creation time,
/// end: open).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceChanges {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub customer_slug: Option<String>,
    pub customer_id: Option<Uuid>,
    pub license_slug: Option<String>,
    pub license_id: Option<Uuid>,
    pub deployment_zone_slug: Option<Option<String>>,
    pub deployment_zone_id: Option<Option<Uuid>>,
    pub start_license_date: Option<Option<DateTime<Utc>>>,
    pub end_license_date: Option<Option<DateTime<Utc>>>,
    pub platform: Option<Value>,
    pub metadata: Option<Value>,
}

/// A resolved reference: the id and slug of a customer, license or zone of the same organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub id: Uuid,
    pub slug: Slug,
}

/// What an instance refers to, resolved within the caller's organization.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceReferences {
    pub customer: Reference,
    pub license: Reference,
    pub zone: Option<Reference>,
}

/// The end of a license term that has none: 9999-12-31T23:59:59Z.
pub fn open_ended() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_300_799, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn check_dates(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), crate::validation::FieldError> {
    if start > end {
        return Err(crate::validation::FieldError::new(
            "endLicenseDate",
            "must not be before startLicenseDate",
            Some(Value::from(end.to_rfc3339())),
        ));
    }
    Ok(())
}

impl Instance {
    pub fn create(
        organization_id: Uuid,
        input: NewInstance,
        references: InstanceReferences,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, crate::validation::ValidationErrors> {
        use crate::name::{parse_name, parse_optional_object, parse_text};
        let mut v = crate::validation::Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_text("description", input.description.as_deref()));
        let platform = v.check(parse_optional_object("platform", input.platform));
        let metadata = v.check(parse_optional_object("metadata", input.metadata));
        let start = crate::clock::truncate(input.start_license_date.unwrap_or(now));
        let end = crate::clock::truncate(input.end_license_date.unwrap_or_else(open_ended));
        v.check(check_dates(start, end));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                customer_id: Some(references.customer.id),
                customer_slug: Some(references.customer.slug),
                license_id: Some(references.license.id),
                license_slug: Some(references.license.slug),
                deployment_zone_id: references.zone.as_ref().map(|z| z.id),
                deployment_zone_slug: references.zone.map(|z| z.slug),
                start_license_date: start,
                end_license_date: end,
                platform: platform?,
                metadata: metadata?,
                status: None,
                lifecycle_stage: None,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
                deleted_at: None,
            })
        })
    }

    /// This instance with `changes` applied; `references` are the (possibly unchanged) resolved ones.
    pub fn apply(
        &self,
        changes: InstanceChanges,
        references: InstanceReferences,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, crate::validation::ValidationErrors> {
        use crate::name::{parse_name, parse_optional_object, parse_text};
        let mut v = crate::validation::Validator::new();
        let name = v.check(parse_name("name", &changes.name));
        let slug = changes
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = v.check(parse_text("description", changes.description.as_deref()));
        let platform = v.check(parse_optional_object("platform", changes.platform));
        let metadata = v.check(parse_optional_object("metadata", changes.metadata));
        // An explicit null starts the term at its creation and leaves it open-ended.
        let start = changes.start_license_date.map_or(self.start_license_date, |at| at.unwrap_or(self.created_at));
        let end = changes.end_license_date.map_or(self.end_license_date, |at| at.unwrap_or_else(open_ended));
        let (start, end) = (crate::clock::truncate(start), crate::clock::truncate(end));
        v.check(check_dates(start, end));
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                customer_id: Some(references.customer.id),
                customer_slug: Some(references.customer.slug),
                license_id: Some(references.license.id),
                license_slug: Some(references.license.slug),
                deployment_zone_id: references.zone.as_ref().map(|z| z.id),
                deployment_zone_slug: references.zone.map(|z| z.slug),
                start_license_date: start,
                end_license_date: end,
                platform: platform?,
                metadata: metadata?,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_transitions() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(ZoneTransition::between(None, Some(a)), ZoneTransition::Deployed);
        assert_eq!(ZoneTransition::between(Some(a), Some(b)), ZoneTransition::Migrated);
        assert_eq!(ZoneTransition::between(Some(a), Some(a)), ZoneTransition::Unchanged);
        assert_eq!(ZoneTransition::between(None, None), ZoneTransition::Unchanged);
    }
}
