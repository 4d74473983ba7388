//! Licenses: versions of a product offering, grouped in families (version 1, 2, … of one family),
//! each DRAFT, PUBLISHED or ARCHIVED, at most one the family's default.

use crate::actor::Actor;
use crate::entitlement::text_codes;
use crate::name::{parse_name, parse_optional_text, parse_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

mod grant;

pub use grant::{EntitlementValue, LicenseEntitlement, LicenseEntitlementChanges, NewLicenseEntitlement, UNLIMITED};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseType {
    Community,
    Trial,
    Development,
    Paid,
}

text_codes!(LicenseType { Community = "COMMUNITY", Trial = "TRIAL", Development = "DEVELOPMENT", Paid = "PAID" });

/// Where a license version is in its life: a DRAFT is prepared, a PUBLISHED one is offered, an
/// ARCHIVED one is no longer offered (instances keep it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleState {
    Draft,
    Published,
    Archived,
}

text_codes!(LifecycleState { Draft = "DRAFT", Published = "PUBLISHED", Archived = "ARCHIVED" });

/// The family a license belongs to: its slug and the last version number it gave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseFamily {
    pub id: Uuid,
    pub slug: Slug,
    pub last_version: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct License {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    /// Assigned: "1", "2", … within the license's family.
    pub version: i32,
    pub family_id: Uuid,
    pub family_slug: Slug,
    pub lifecycle_state: LifecycleState,
    /// Whether the version is offered: PUBLISHED.
    pub is_active: bool,
    pub is_default: bool,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

/// The input of `POST /api/licenses`: without `familySlug` it starts a new family (version 1, the
/// family named after the slug); with one, it is that family's next version (slug `{family}-v{n}`
/// unless given).
#[derive(Debug, Clone, PartialEq)]
pub struct NewLicense {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub license_type: LicenseType,
    pub version_name: Option<String>,
    pub family_slug: Option<String>,
    /// DRAFT or PUBLISHED (the default; ARCHIVED when `isActive` is false).
    pub lifecycle_state: Option<LifecycleState>,
    /// The first version's flag: false creates the license ARCHIVED.
    pub is_active: Option<bool>,
    pub is_default: Option<bool>,
}

/// The input of `PUT /api/licenses/{slug}`: a full replacement — an omitted `description` is `""`,
/// `versionName` cleared, `isDefault` false. The slug, version, family and lifecycle stay (the
/// lifecycle moves by publish, archive and unarchive).
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseUpdate {
    pub name: String,
    pub license_type: LicenseType,
    pub description: Option<String>,
    pub version_name: Option<String>,
    pub is_default: Option<bool>,
}

/// A lifecycle move of `POST /api/licenses/{slug}/publish|archive|unarchive`.
/// A lifecycle move from a state it does not start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the license is {}; only a {} license can move to {}", state.as_str(), from.as_str(), to.as_str())]
pub struct LifecycleMoveRefused {
    pub state: LifecycleState,
    pub from: LifecycleState,
    pub to: LifecycleState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleMove {
    Publish,
    Archive,
    Unarchive,
}

fn default_must_be_published(is_default: bool, state: LifecycleState) -> Result<(), FieldError> {
    if is_default && state != LifecycleState::Published {
        return Err(FieldError::new(
            "isDefault",
            "only a PUBLISHED version can be the default",
            Some(Value::Bool(true)),
        ));
    }
    Ok(())
}

impl License {
    /// Validates a new license: version `version` of `family`.
    pub fn create(
        organization_id: Uuid,
        input: NewLicense,
        family: &LicenseFamily,
        version: i32,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let derived = if version == 1 { family.slug.to_string() } else { format!("{}-v{version}", family.slug) };
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &derived));
        let description = v.check(parse_text("description", input.description.as_deref()));
        let version_name = v.check(parse_optional_text("versionName", input.version_name.as_deref()));
        let state = match (input.lifecycle_state, input.is_active) {
            (Some(LifecycleState::Archived), _) => {
                v.push(FieldError::new(
                    "lifecycleState",
                    "a new license is DRAFT or PUBLISHED",
                    Some(Value::from("ARCHIVED")),
                ));
                LifecycleState::Archived
            }
            (Some(state), _) => state,
            (None, Some(false)) => LifecycleState::Archived,
            (None, _) => LifecycleState::Published,
        };
        let is_default = input.is_default.unwrap_or(false);
        v.check(default_must_be_published(is_default, state));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                license_type: input.license_type,
                version_name: version_name?,
                version,
                family_id: family.id,
                family_slug: family.slug.clone(),
                lifecycle_state: state,
                is_active: state == LifecycleState::Published,
                is_default,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }

    /// This license replaced by `update`, made by `actor`.
    pub fn replace(&self, update: LicenseUpdate, actor: &Actor, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &update.name));
        let description = v.check(parse_text("description", update.description.as_deref()));
        let version_name = v.check(parse_optional_text("versionName", update.version_name.as_deref()));
        let is_default = update.is_default.unwrap_or(false);
        v.check(default_must_be_published(is_default, self.lifecycle_state));
        v.finish(|| {
            Some(Self {
                name: name?,
                description: description?,
                license_type: update.license_type,
                version_name: version_name?,
                is_default,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }

    /// This license moved along its lifecycle, or why it cannot be (it is not in the state the move
    /// starts from). Archiving the default leaves the family without one.
    pub fn moved(&self, step: LifecycleMove, actor: &Actor, now: DateTime<Utc>) -> Result<Self, LifecycleMoveRefused> {
        let (from, to) = match step {
            LifecycleMove::Publish => (LifecycleState::Draft, LifecycleState::Published),
            LifecycleMove::Archive => (LifecycleState::Published, LifecycleState::Archived),
            LifecycleMove::Unarchive => (LifecycleState::Archived, LifecycleState::Published),
        };
        if self.lifecycle_state != from {
            return Err(LifecycleMoveRefused { state: self.lifecycle_state, from, to });
        }
        Ok(Self {
            lifecycle_state: to,
            is_active: to == LifecycleState::Published,
            is_default: self.is_default && to == LifecycleState::Published,
            updated_at: now,
            updated_by: actor.clone(),
            ..self.clone()
        })
    }
}
