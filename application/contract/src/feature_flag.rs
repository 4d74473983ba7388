//! The feature flag as the API returns it and its events carry it.

use crate::ToWire;
use crate::mirror::mirror_enum;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

mirror_enum! {
    #[serde(rename_all = "lowercase")]
    pub enum FlagType mirrors kaiten_domain::feature_flag::FlagType {
        Boolean,
        String,
        Number,
        Object,
    }
}

/// One possible value of a flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    /// Any JSON value that fits the flag's type.
    pub value: Value,
    /// `""` when none was given.
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::null_as_default")]
    pub description: String,
}

impl From<kaiten_domain::feature_flag::Variant> for Variant {
    fn from(value: kaiten_domain::feature_flag::Variant) -> Self {
        Self { name: value.name, value: value.value, description: value.description }
    }
}

impl From<Variant> for kaiten_domain::feature_flag::Variant {
    fn from(value: Variant) -> Self {
        Self { name: value.name, value: value.value, description: value.description }
    }
}

/// One end of a date rollout: at `date`, `percentage` % of contexts get `variant`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolloutStep {
    pub variant: String,
    #[schema(minimum = 0, maximum = 100)]
    pub percentage: u8,
    pub date: DateTime<Utc>,
}

impl From<kaiten_domain::feature_flag_rules::RolloutStep> for RolloutStep {
    fn from(value: kaiten_domain::feature_flag_rules::RolloutStep) -> Self {
        Self { variant: value.variant, percentage: value.percentage, date: value.date }
    }
}

impl From<RolloutStep> for kaiten_domain::feature_flag_rules::RolloutStep {
    fn from(value: RolloutStep) -> Self {
        Self { variant: value.variant, percentage: value.percentage, date: value.date }
    }
}

/// A basic targeting in the first contract's form. A `rule` given as a JSON object is kept as its
/// JSON text; it is always returned as a string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetingRule {
    pub name: String,
    /// A CEL expression (a JSON object is accepted and kept as its text).
    pub rule: Value,
    pub variant: String,
}

impl From<kaiten_domain::feature_flag_rules::TargetingRule> for TargetingRule {
    fn from(value: kaiten_domain::feature_flag_rules::TargetingRule) -> Self {
        Self { name: value.name, rule: value.rule, variant: value.variant }
    }
}

impl From<TargetingRule> for kaiten_domain::feature_flag_rules::TargetingRule {
    fn from(value: TargetingRule) -> Self {
        Self { name: value.name, rule: value.rule, variant: value.variant }
    }
}

/// What a flag serves when no targeting matches, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DefaultVariant {
    /// Always the variant named `value`.
    Basic { value: String },
    /// Variants by weight (positive integers).
    RolloutPercentage { distribution: BTreeMap<String, u32> },
    /// Traffic shifts from `start` to `end` over the dates between them.
    RolloutDate { start: RolloutStep, end: RolloutStep },
}

/// One targeting of a flag, evaluated in order (the first whose `rule` matches wins),
/// discriminated by `type`. `rule` is a CEL expression, evaluated by the vendor's evaluator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Targeting {
    Basic { name: String, rule: String, variant: String },
    RolloutPercentage { name: String, rule: String, distribution: BTreeMap<String, u32> },
    RolloutDate { name: String, rule: String, start: RolloutStep, end: RolloutStep },
}

impl From<kaiten_domain::feature_flag_rules::DefaultVariant> for DefaultVariant {
    fn from(value: kaiten_domain::feature_flag_rules::DefaultVariant) -> Self {
        use kaiten_domain::feature_flag_rules::DefaultVariant as Domain;
        match value {
            Domain::Basic { value } => Self::Basic { value },
            Domain::RolloutPercentage { distribution } => Self::RolloutPercentage { distribution },
            Domain::RolloutDate { start, end } => Self::RolloutDate { start: start.into(), end: end.into() },
        }
    }
}

impl From<DefaultVariant> for kaiten_domain::feature_flag_rules::DefaultVariant {
    fn from(value: DefaultVariant) -> Self {
        match value {
            DefaultVariant::Basic { value } => Self::Basic { value },
            DefaultVariant::RolloutPercentage { distribution } => Self::RolloutPercentage { distribution },
            DefaultVariant::RolloutDate { start, end } => Self::RolloutDate { start: start.into(), end: end.into() },
        }
    }
}

impl From<kaiten_domain::feature_flag_rules::Targeting> for Targeting {
    fn from(value: kaiten_domain::feature_flag_rules::Targeting) -> Self {
        use kaiten_domain::feature_flag_rules::Targeting as Domain;
        match value {
            Domain::Basic { name, rule, variant } => Self::Basic { name, rule, variant },
            Domain::RolloutPercentage { name, rule, distribution } => {
                Self::RolloutPercentage { name, rule, distribution }
            }
            Domain::RolloutDate { name, rule, start, end } => {
                Self::RolloutDate { name, rule, start: start.into(), end: end.into() }
            }
        }
    }
}

impl From<Targeting> for kaiten_domain::feature_flag_rules::Targeting {
    fn from(value: Targeting) -> Self {
        match value {
            Targeting::Basic { name, rule, variant } => Self::Basic { name, rule, variant },
            Targeting::RolloutPercentage { name, rule, distribution } => {
                Self::RolloutPercentage { name, rule, distribution }
            }
            Targeting::RolloutDate { name, rule, start, end } => {
                Self::RolloutDate { name, rule, start: start.into(), end: end.into() }
            }
        }
    }
}

/// A feature flag, exactly as the API returns it and as its events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureFlag {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    pub enabled: bool,
    pub variants: Vec<Variant>,
    /// What the flag serves when no targeting matches.
    #[serde(rename = "default_variant")]
    pub default_serving: DefaultVariant,
    /// The default variant's name when it is a single variant, null for a rollout (first contract).
    #[serde(rename = "defaultVariant")]
    pub default_variant_name: Option<String>,
    /// Evaluated in order; the first whose rule matches wins.
    pub targetings: Vec<Targeting>,
    /// The basic targetings (first contract).
    pub targeting_rules: Vec<TargetingRule>,
    /// The analytics event associated with the flag, `""` when none.
    #[serde(rename = "event_name")]
    pub event_name: String,
    /// A JSON object, `{}` when none was given.
    #[schema(value_type = Object)]
    pub metadata: Value,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

impl ToWire for kaiten_domain::feature_flag::FeatureFlag {
    type Wire = FeatureFlag;

    fn to_wire(&self) -> FeatureFlag {
        FeatureFlag {
            id: self.id,
            name: self.name.clone(),
            slug: self.slug.clone().into(),
            description: self.description.clone(),
            flag_type: self.flag_type.into(),
            enabled: self.enabled,
            variants: self.variants.clone().into_iter().map(Into::into).collect(),
            default_serving: self.default_serving.clone().into(),
            default_variant_name: self.default_variant_name.clone(),
            targetings: self.targetings.clone().into_iter().map(Into::into).collect(),
            targeting_rules: self.targeting_rules.clone().into_iter().map(Into::into).collect(),
            event_name: self.event_name.clone(),
            metadata: self.metadata.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone().into(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone().into(),
        }
    }
}

/// The body of `POST /api/feature-flags` and of `PUT /api/feature-flags/{slug}` (a full
/// replacement; on PUT an omitted `slug` keeps the slug). The default is given either in Kaiten's
/// form (`default_variant`) or as a variant name (`defaultVariant`), and targetings either as
/// `targetings` or as the first contract's basic `targetingRules`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureFlagDefinition {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    /// `true` when omitted.
    pub enabled: Option<bool>,
    pub variants: Vec<Variant>,
    #[serde(rename = "default_variant")]
    pub default_serving: Option<DefaultVariant>,
    #[serde(rename = "defaultVariant")]
    pub default_variant_name: Option<String>,
    pub targetings: Option<Vec<Targeting>>,
    pub targeting_rules: Option<Vec<TargetingRule>>,
    #[serde(rename = "event_name")]
    pub event_name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl From<FeatureFlagDefinition> for kaiten_domain::feature_flag::FeatureFlagDefinition {
    fn from(value: FeatureFlagDefinition) -> Self {
        Self {
            name: value.name,
            slug: value.slug,
            description: value.description,
            flag_type: value.flag_type.into(),
            enabled: value.enabled,
            variants: value.variants.into_iter().map(Into::into).collect(),
            default_serving: value.default_serving.map(Into::into),
            default_variant_name: value.default_variant_name,
            targetings: value.targetings.map(|items| items.into_iter().map(Into::into).collect()),
            targeting_rules: value.targeting_rules.map(|items| items.into_iter().map(Into::into).collect()),
            event_name: value.event_name,
            metadata: value.metadata,
        }
    }
}

/// `GET /api/openfeature/v0/manifest`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Manifest {
    pub flags: Vec<ManifestFlag>,
}

impl From<kaiten_domain::openfeature::Manifest> for Manifest {
    fn from(value: kaiten_domain::openfeature::Manifest) -> Self {
        Self { flags: value.flags.into_iter().map(Into::into).collect() }
    }
}

/// One flag of the OpenFeature manifest: its key (the slug), type and default value (the value of
/// the default variant; of a rollout, the variant it serves most).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManifestFlag {
    pub key: String,
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    pub default_value: Value,
    pub name: Option<String>,
    pub description: Option<String>,
}

impl From<kaiten_domain::openfeature::ManifestFlag> for ManifestFlag {
    fn from(value: kaiten_domain::openfeature::ManifestFlag) -> Self {
        Self {
            key: value.key,
            flag_type: value.flag_type.into(),
            default_value: value.default_value,
            name: value.name,
            description: value.description,
        }
    }
}

#[cfg(test)]
#[path = "feature_flag_tests.rs"]
mod tests;
