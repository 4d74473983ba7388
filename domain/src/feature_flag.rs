//! Feature flags: typed variants, what they serve by default and their targetings, in Kaiten's form
//! with the first contract's fields kept alongside (see [`crate::feature_flag_rules`]).

use crate::actor::Actor;
use crate::entitlement::text_codes;
use crate::feature_flag_rules::{self, DefaultVariant, ServingCheck, Targeting, TargetingRule};
use crate::name::{parse_name, parse_optional_object, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

/// The most variants a flag holds.
pub const MAX_VARIANTS: usize = 100;
/// The longest analytics event name.
pub const MAX_EVENT_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagType {
    Boolean,
    String,
    Number,
    Object,
}

text_codes!(FlagType { Boolean = "boolean", String = "string", Number = "number", Object = "object" });

impl FlagType {
    pub fn admits(self, value: &Value) -> bool {
        crate::name::storable_numbers(value)
            && matches!(
                (self, value),
                (Self::Boolean, Value::Bool(_))
                    | (Self::String, Value::String(_))
                    | (Self::Number, Value::Number(_))
                    | (Self::Object, Value::Object(_))
            )
    }
}

/// One possible value of a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    /// Any JSON value that fits the flag's type.
    pub value: Value,
    /// `""` when none was given.
    #[serde(default, deserialize_with = "crate::serde_helpers::null_as_default")]
    pub description: String,
}

/// A feature flag, as the domain keeps it (the API and its events show it through the contract).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureFlag {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub flag_type: FlagType,
    pub enabled: bool,
    pub variants: Vec<Variant>,
    /// What the flag serves when no targeting matches.
    pub default_serving: DefaultVariant,
    /// The default variant's name when it is a single variant, null for a rollout (first contract).
    pub default_variant_name: Option<String>,
    /// Evaluated in order; the first whose rule matches wins.
    pub targetings: Vec<Targeting>,
    /// The basic targetings (first contract).
    pub targeting_rules: Vec<TargetingRule>,
    /// The analytics event associated with the flag, `""` when none.
    pub event_name: String,
    /// A JSON object, `{}` when none was given.
    pub metadata: Value,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

/// The input of `POST /api/feature-flags` and of `PUT /api/feature-flags/{slug}` (a full
/// replacement; on PUT an omitted `slug` keeps the slug). The default is given either in Kaiten's
/// form (`default_variant`) or as a variant name (`defaultVariant`), and targetings either as
/// `targetings` or as the first contract's basic `targetingRules`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureFlagDefinition {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub flag_type: FlagType,
    /// `true` when omitted.
    pub enabled: Option<bool>,
    pub variants: Vec<Variant>,
    pub default_serving: Option<DefaultVariant>,
    pub default_variant_name: Option<String>,
    pub targetings: Option<Vec<Targeting>>,
    pub targeting_rules: Option<Vec<TargetingRule>>,
    pub event_name: Option<String>,
    pub metadata: Option<Value>,
}

/// A definition, checked: everything but the identity and the history.
struct Checked {
    name: String,
    description: Option<String>,
    variants: Vec<Variant>,
    default_serving: DefaultVariant,
    targetings: Vec<Targeting>,
    event_name: String,
    metadata: Value,
}

fn either<T>(v: &mut Validator, kaiten: Option<T>, first: Option<T>, names: (&str, &str)) -> (Option<T>, bool) {
    if kaiten.is_some() && first.is_some() {
        v.push(FieldError::new(names.1, format!("give `{}` or `{}`, not both", names.0, names.1), None));
    }
    let from_first = kaiten.is_none() && first.is_some();
    (kaiten.or(first), from_first)
}

fn check_variants(flag_type: FlagType, variants: &[Variant], v: &mut Validator) {
    if variants.is_empty() || variants.len() > MAX_VARIANTS {
        v.push(FieldError::new("variants", format!("must hold 1 to {MAX_VARIANTS} variants"), None));
    }
    let mut names = HashSet::new();
    for (i, variant) in variants.iter().enumerate() {
        v.check(parse_name(&format!("variants[{i}].name"), &variant.name));
        v.check(parse_optional_text(&format!("variants[{i}].description"), Some(&variant.description)));
        if !names.insert(variant.name.as_str()) {
            let duplicate = Some(Value::from(variant.name.clone()));
            v.push(FieldError::new(format!("variants[{i}].name"), "duplicates another variant", duplicate));
        }
        if !crate::name::storable_numbers(&variant.value) {
            v.push(FieldError::new(format!("variants[{i}].value"), crate::name::UNSTORABLE_NUMBER, None));
        } else if !flag_type.admits(&variant.value) {
            let why = format!("must be a {} for a {} flag", flag_type.as_str(), flag_type.as_str());
            v.push(FieldError::new(format!("variants[{i}].value"), why, Some(variant.value.clone())));
        }
    }
}

fn check(input: FeatureFlagDefinition, v: &mut Validator) -> Option<Checked> {
    let name = v.check(parse_name("name", &input.name));
    let description = v.check(parse_optional_text("description", input.description.as_deref()));
    let metadata = v.check(parse_optional_object("metadata", input.metadata));
    check_variants(input.flag_type, &input.variants, v);
    let event_name = input.event_name.unwrap_or_default().trim().to_owned();
    if event_name.chars().count() > MAX_EVENT_NAME_CHARS {
        v.push(FieldError::new("event_name", format!("must be at most {MAX_EVENT_NAME_CHARS} characters"), None));
    }
    let by_name = input.default_variant_name.map(|value| DefaultVariant::Basic { value });
    let (default_serving, default_from_first) =
        either(v, input.default_serving, by_name, ("default_variant", "defaultVariant"));
    let rules = input.targeting_rules.map(|rules| rules.into_iter().map(TargetingRule::into_targeting).collect());
    let (targetings, rules_from_first) = either(v, input.targetings, rules, ("targetings", "targetingRules"));
    let targetings = targetings.unwrap_or_default();
    let mut serving =
        ServingCheck { variants: input.variants.iter().map(|v| v.name.as_str()).collect(), errors: Vec::new() };
    match &default_serving {
        Some(default) if default_from_first => serving.default_variant("defaultVariant", default, "defaultVariant"),
        Some(default) => serving.default_variant("default_variant", default, "default_variant.value"),
        None => v.push(FieldError::new("default_variant", "is required (or `defaultVariant`)", None)),
    }
    serving.targetings(if rules_from_first { "targetingRules" } else { "targetings" }, &targetings);
    let errors = serving.errors;
    errors.into_iter().for_each(|error| v.push(error));
    Some(Checked {
        name: name?,
        description: description?,
        variants: input.variants,
        default_serving: default_serving?,
        targetings,
        event_name,
        metadata: metadata?.unwrap_or_else(|| Value::Object(Default::default())),
    })
}

impl FeatureFlag {
    /// Validates a new flag of `organization_id`, created by `actor`.
    pub fn create(
        organization_id: Uuid,
        input: FeatureFlagDefinition,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let (flag_type, enabled) = (input.flag_type, input.enabled.unwrap_or(true));
        let checked = check(input, &mut v);
        v.finish(|| {
            let checked = checked?;
            Some(Self::assemble(Uuid::now_v7(), slug?, flag_type, enabled, checked, organization_id, actor, now))
        })
    }

    /// This flag replaced by `input`, made by `actor`.
    pub fn replace(
        &self,
        input: FeatureFlagDefinition,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let slug = match input.slug.as_deref() {
            Some(raw) => v.check(Slug::given_or_derived("slug", Some(raw), raw)),
            None => Some(self.slug.clone()),
        };
        let (flag_type, enabled) = (input.flag_type, input.enabled.unwrap_or(true));
        let checked = check(input, &mut v);
        v.finish(|| {
            let replaced =
                Self::assemble(self.id, slug?, flag_type, enabled, checked?, self.organization_id, actor, now);
            Some(Self { created_at: self.created_at, created_by: self.created_by.clone(), ..replaced })
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        id: Uuid,
        slug: Slug,
        flag_type: FlagType,
        enabled: bool,
        checked: Checked,
        organization_id: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Self {
        Self::from_stored(StoredFlag {
            id,
            name: checked.name,
            slug,
            description: checked.description,
            flag_type,
            enabled,
            variants: checked.variants,
            default_serving: checked.default_serving,
            targetings: checked.targetings,
            event_name: checked.event_name,
            metadata: checked.metadata,
            organization_id,
            created_at: now,
            created_by: actor.clone(),
            updated_at: now,
            updated_by: actor.clone(),
        })
    }

    /// A flag from what is stored of it; the first contract's fields are derived.
    pub fn from_stored(stored: StoredFlag) -> Self {
        Self {
            default_variant_name: feature_flag_rules::default_variant_name(&stored.default_serving),
            targeting_rules: feature_flag_rules::targeting_rules(&stored.targetings),
            id: stored.id,
            name: stored.name,
            slug: stored.slug,
            description: stored.description,
            flag_type: stored.flag_type,
            enabled: stored.enabled,
            variants: stored.variants,
            default_serving: stored.default_serving,
            targetings: stored.targetings,
            event_name: stored.event_name,
            metadata: stored.metadata,
            organization_id: stored.organization_id,
            created_at: stored.created_at,
            created_by: stored.created_by,
            updated_at: stored.updated_at,
            updated_by: stored.updated_by,
        }
    }
}

/// What is stored of a flag: everything but the derived first-contract fields.
pub struct StoredFlag {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    pub flag_type: FlagType,
    pub enabled: bool,
    pub variants: Vec<Variant>,
    pub default_serving: DefaultVariant,
    pub targetings: Vec<Targeting>,
    pub event_name: String,
    pub metadata: Value,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}
