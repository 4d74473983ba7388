//! The feature flag as the API returns it and its events carry it.

use crate::ToWire;
use chrono::{DateTime, Utc};
use kaiten_domain::feature_flag::{FlagType, Variant};
use kaiten_domain::feature_flag_rules::{DefaultVariant, Targeting, TargetingRule};
use kaiten_domain::{Actor, Slug};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

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
            slug: self.slug.clone(),
            description: self.description.clone(),
            flag_type: self.flag_type,
            enabled: self.enabled,
            variants: self.variants.clone(),
            default_serving: self.default_serving.clone(),
            default_variant_name: self.default_variant_name.clone(),
            targetings: self.targetings.clone(),
            targeting_rules: self.targeting_rules.clone(),
            event_name: self.event_name.clone(),
            metadata: self.metadata.clone(),
            organization_id: self.organization_id,
            created_at: self.created_at,
            created_by: self.created_by.clone(),
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_domain::clock;
    use kaiten_domain::feature_flag::FeatureFlagDefinition;
    use serde_json::json;

    fn actor() -> Actor {
        Actor::new(Uuid::from_u128(7), "CI")
    }

    fn definition(body: Value) -> FeatureFlagDefinition {
        let mut base = json!({"name": "Dark mode", "type": "boolean",
            "variants": [{"name": "on", "value": true}, {"name": "off", "value": false, "description": null}]});
        if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), body) {
            base.extend(extra);
        }
        serde_json::from_value(base).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn kaitens_form_is_kept_and_the_first_contracts_fields_are_derived() -> Result<(), Box<dyn std::error::Error>> {
        let body = json!({"default_variant": {"type": "basic", "value": "off"}, "event_name": "seen",
            "targetings": [{"type": "basic", "name": "growth", "rule": "plan == 'growth'", "variant": "on"},
                           {"type": "rollout_percentage", "name": "rest", "rule": "true", "distribution": {"on": 20, "off": 80}}]});
        let flag =
            kaiten_domain::feature_flag::FeatureFlag::create(Uuid::nil(), definition(body), &actor(), clock::now())?;
        let wire = serde_json::to_value(flag.to_wire())?;
        assert_eq!(wire["default_variant"], json!({"type": "basic", "value": "off"}));
        assert_eq!(wire["defaultVariant"], json!("off"));
        assert_eq!(wire["targetings"][1]["distribution"], json!({"off": 80, "on": 20}));
        assert_eq!(wire["targetingRules"], json!([{"name": "growth", "rule": "plan == 'growth'", "variant": "on"}]));
        assert_eq!(
            (&wire["event_name"], &wire["metadata"], &wire["variants"][1]["description"]),
            (&json!("seen"), &json!({}), &json!(""))
        );
        assert!(flag.enabled, "enabled unless said otherwise");
        Ok(())
    }
}
