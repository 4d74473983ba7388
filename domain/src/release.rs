//! Releases: immutable, versioned builds of the vendor's software.

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub id: Uuid,
    pub version: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRelease {
    pub version: String,
    pub slug: Option<String>,
    pub description: Option<String>,
}

impl Release {
    pub fn create(
        organization_id: Uuid,
        input: NewRelease,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let version = v.check(parse_name("version", &input.version));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.version));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                version: version?,
                slug: slug?,
                description: description?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
            })
        })
    }
}
