//! Feature flags: typed variants, a default variant and targeting rules.

use crate::actor::Actor;
use crate::entitlement::text_codes;
use crate::name::{parse_name, parse_optional_object, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    /// Any JSON value that fits the flag's type.
    pub value: Value,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetingRule {
    pub name: String,
    /// The rule's condition, an expression or a JSON object understood by the vendor's evaluator.
    pub rule: Value,
    pub variant: String,
}

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
    pub default_variant: String,
    pub targeting_rules: Vec<TargetingRule>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewFeatureFlag {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub flag_type: FlagType,
    pub enabled: bool,
    pub variants: Vec<Variant>,
    pub default_variant: String,
    pub targeting_rules: Option<Vec<TargetingRule>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

/// Variants fit the type and have unique names; the default and every rule name a variant.
pub fn check_variants(
    flag_type: FlagType,
    variants: &[Variant],
    default: &str,
    rules: &[TargetingRule],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if variants.is_empty() {
        errors.push(FieldError::new("variants", "must contain at least one variant", None));
    }
    let mut names = HashSet::new();
    for (i, variant) in variants.iter().enumerate() {
        if let Err(e) = parse_name(&format!("variants[{i}].name"), &variant.name) {
            errors.push(e);
        }
        if !names.insert(variant.name.as_str()) {
            errors.push(FieldError::new(
                format!("variants[{i}].name"),
                "duplicates another variant",
                Some(Value::from(variant.name.clone())),
            ));
        }
        if !crate::name::storable_numbers(&variant.value) {
            errors.push(FieldError::new(format!("variants[{i}].value"), crate::name::UNSTORABLE_NUMBER, None));
        } else if !flag_type.admits(&variant.value) {
            errors.push(FieldError::new(
                format!("variants[{i}].value"),
                format!("must be a {} for a {} flag", flag_type.as_str(), flag_type.as_str()),
                Some(variant.value.clone()),
            ));
        }
    }
    if !names.contains(default) {
        errors.push(FieldError::new("defaultVariant", "must name one of the variants", Some(Value::from(default))));
    }
    for (i, rule) in rules.iter().enumerate() {
        if !crate::name::storable_numbers(&rule.rule) {
            errors.push(FieldError::new(format!("targetingRules[{i}].rule"), crate::name::UNSTORABLE_NUMBER, None));
        }
        if !names.contains(rule.variant.as_str()) {
            errors.push(FieldError::new(
                format!("targetingRules[{i}].variant"),
                "must name one of the variants",
                Some(Value::from(rule.variant.clone())),
            ));
        }
    }
    errors
}

impl FeatureFlag {
    pub fn create(
        organization_id: Uuid,
        input: NewFeatureFlag,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let description = v.check(parse_optional_text("description", input.description.as_deref()));
        let metadata = v.check(parse_optional_object("metadata", input.metadata));
        let rules = input.targeting_rules.unwrap_or_default();
        for error in check_variants(input.flag_type, &input.variants, &input.default_variant, &rules) {
            v.push(error);
        }
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                description: description?,
                flag_type: input.flag_type,
                enabled: input.enabled,
                variants: input.variants,
                default_variant: input.default_variant,
                targeting_rules: rules,
                metadata: metadata?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn variant(name: &str, value: Value) -> Variant {
        Variant { name: name.into(), value, description: None }
    }

    #[test]
    fn variants_must_fit_the_type_and_be_named() {
        let variants = [variant("on", json!(true)), variant("off", json!("no"))];
        let rules = [TargetingRule { name: "beta".into(), rule: json!({"plan": "beta"}), variant: "maybe".into() }];
        let errors = check_variants(FlagType::Boolean, &variants, "missing", &rules);
        let locations: Vec<_> = errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, ["variants[1].value", "defaultVariant", "targetingRules[0].variant"]);
        assert!(check_variants(FlagType::Boolean, &variants[..1], "on", &[]).is_empty());
        assert!(!check_variants(FlagType::Number, &[], "x", &[]).is_empty());
    }

    #[test]
    fn rules_with_numbers_jsonb_cannot_give_back_are_refused() {
        let variants = [variant("on", json!(true))];
        let rules = [TargetingRule { name: "tiny".into(), rule: json!({"ratio": 5e-324}), variant: "on".into() }];
        let errors = check_variants(FlagType::Boolean, &variants, "on", &rules);
        let locations: Vec<_> = errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, ["targetingRules[0].rule"]);
    }
}

/// Partial update of a flag; the merged result is validated as a whole (variants against the type,
/// the default and every rule against the variants).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureFlagChanges {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: Option<String>,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(rename = "type")]
    pub flag_type: Option<FlagType>,
    pub enabled: Option<bool>,
    pub variants: Option<Vec<Variant>>,
    pub default_variant: Option<String>,
    pub targeting_rules: Option<Vec<TargetingRule>>,
    #[serde(default, deserialize_with = "crate::serde_helpers::double_option")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Value>>,
}

impl FeatureFlag {
    pub fn apply(
        &self,
        changes: FeatureFlagChanges,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = changes.name.as_deref().map_or(Some(self.name.clone()), |raw| v.check(parse_name("name", raw)));
        let slug = changes
            .slug
            .as_deref()
            .map_or(Some(self.slug.clone()), |raw| v.check(Slug::given_or_derived("slug", Some(raw), raw)));
        let description = match changes.description {
            Some(raw) => v.check(parse_optional_text("description", raw.as_deref())),
            None => Some(self.description.clone()),
        };
        let metadata = match changes.metadata {
            Some(raw) => v.check(parse_optional_object("metadata", raw)),
            None => Some(self.metadata.clone()),
        };
        let flag_type = changes.flag_type.unwrap_or(self.flag_type);
        let variants = changes.variants.unwrap_or_else(|| self.variants.clone());
        let default_variant = changes.default_variant.unwrap_or_else(|| self.default_variant.clone());
        let targeting_rules = changes.targeting_rules.unwrap_or_else(|| self.targeting_rules.clone());
        for error in check_variants(flag_type, &variants, &default_variant, &targeting_rules) {
            v.push(error);
        }
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                description: description?,
                flag_type,
                enabled: changes.enabled.unwrap_or(self.enabled),
                variants,
                default_variant,
                targeting_rules,
                metadata: metadata?,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}
