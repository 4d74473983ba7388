//! Organizations: the tenants. Every resource belongs to exactly one.

use crate::catalog::EventNaming;
use crate::name::parse_name;
use crate::slug::Slug;
use crate::validation::{ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A vendor's organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub created_at: DateTime<Utc>,
    /// The spelling of event names its webhooks carry: `classic` (`CUSTOMER_CREATION`, the default)
    /// or `current` (Kaiten's `CUSTOMER_CREATED`).
    pub webhook_event_names: EventNaming,
}

/// The input of `PUT /api/organization`: the organization's webhook settings.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationSettings {
    pub webhook_event_names: EventNaming,
}

impl Organization {
    pub fn create(name: &str, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let parsed = v.check(parse_name("name", name));
        let slug = v.check(Slug::given_or_derived("name", None, name));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: parsed?,
                slug: slug?,
                created_at: now,
                webhook_event_names: EventNaming::default(),
            })
        })
    }
}
