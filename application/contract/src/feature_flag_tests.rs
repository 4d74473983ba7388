//! The feature flag's rules as requests meet them: each definition parsed as the API parses it (the
//! contract's request type), then validated by the domain.

use crate::ToWire;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::feature_flag_rules::DefaultVariant;
use kaiten_domain::{Actor, clock};
use serde_json::{Value, json};
use uuid::Uuid;

fn actor() -> Actor {
    Actor::new(Uuid::from_u128(7), "CI")
}

fn definition(body: Value) -> kaiten_domain::feature_flag::FeatureFlagDefinition {
    let mut base = json!({"name": "Dark mode", "type": "boolean",
        "variants": [{"name": "on", "value": true}, {"name": "off", "value": false, "description": null}]});
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), body) {
        base.extend(extra);
    }
    let wire: super::FeatureFlagDefinition = serde_json::from_value(base).unwrap_or_else(|e| panic!("{e}"));
    wire.into()
}

fn locations(body: Value) -> Vec<String> {
    let result = FeatureFlag::create(Uuid::nil(), definition(body), &actor(), clock::now());
    result.err().map(|e| e.0.into_iter().map(|f| f.location).collect()).unwrap_or_default()
}

#[test]
fn the_first_contracts_form_is_accepted_and_a_rollout_has_no_default_name() -> Result<(), Box<dyn std::error::Error>> {
    let body = json!({"defaultVariant": "off", "targetingRules": [{"name": "beta", "rule": {"plan": "beta"}, "variant": "on"}]});
    let flag = FeatureFlag::create(Uuid::nil(), definition(body), &actor(), clock::now())?;
    assert_eq!(flag.default_serving, DefaultVariant::Basic { value: "off".into() });
    assert_eq!(flag.targetings.len(), 1);
    let split = json!({"default_variant": {"type": "rollout_percentage", "distribution": {"on": 1}}});
    let flag = FeatureFlag::create(Uuid::nil(), definition(split), &actor(), clock::now())?;
    assert_eq!(flag.default_variant_name, None);
    Ok(())
}

#[test]
fn errors_point_at_the_fields_that_were_sent() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(
        locations(
            json!({"defaultVariant": "maybe", "targetingRules": [{"name": "r", "rule": "x", "variant": "nope"}]})
        ),
        ["defaultVariant", "targetingRules[0].variant"]
    );
    assert_eq!(
        locations(json!({"default_variant": {"type": "basic", "value": "maybe"},
            "targetings": [{"type": "basic", "name": "r", "rule": "x", "variant": "nope"}]})),
        ["default_variant.value", "targetings[0].variant"]
    );
    assert_eq!(locations(json!({})), ["default_variant"]);
    assert_eq!(
        locations(json!({"defaultVariant": "on", "default_variant": {"type": "basic", "value": "on"}})),
        ["defaultVariant"]
    );
    let mismatched =
        json!({"variants": [{"name": "on", "value": 1}, {"name": "on", "value": true}], "defaultVariant": "on"});
    assert_eq!(locations(mismatched), ["variants[0].value", "variants[1].name"]);
    Ok(())
}

#[test]
fn numbers_jsonb_cannot_give_back_are_refused() -> Result<(), Box<dyn std::error::Error>> {
    let body =
        json!({"variants": [{"name": "on", "value": {"ratio": 5e-324}}], "type": "object", "defaultVariant": "on"});
    assert_eq!(locations(body), ["variants[0].value"]);
    Ok(())
}

#[test]
fn a_replacement_keeps_identity_and_creation_and_takes_everything_else() -> Result<(), Box<dyn std::error::Error>> {
    let flag = FeatureFlag::create(
        Uuid::nil(),
        definition(json!({"defaultVariant": "off", "metadata": {"team": "ui"}})),
        &actor(),
        clock::now(),
    )?;
    let replaced = flag.replace(
        definition(json!({"defaultVariant": "on", "enabled": false})),
        &Actor::new(Uuid::from_u128(8), "Ops"),
        clock::now(),
    )?;
    assert_eq!((replaced.id, &replaced.slug, &replaced.created_by), (flag.id, &flag.slug, &flag.created_by));
    assert_eq!((replaced.enabled, replaced.default_variant_name.as_deref()), (false, Some("on")));
    assert_eq!((replaced.metadata.clone(), replaced.updated_by.name.as_deref()), (json!({}), Some("Ops")));
    Ok(())
}

#[test]
fn the_manifest_gives_the_value_a_flag_serves_by_default() -> Result<(), Box<dyn std::error::Error>> {
    let split = json!({"default_variant": {"type": "rollout_percentage", "distribution": {"on": 70, "off": 30}}});
    let flag = FeatureFlag::create(Uuid::nil(), definition(split), &actor(), clock::now())?;
    let entry = serde_json::to_value(super::ManifestFlag::from(flag.manifest_entry()))?;
    assert_eq!(
        entry,
        json!({"key": "dark-mode", "type": "boolean", "defaultValue": true, "name": "Dark mode", "description": null})
    );
    Ok(())
}

#[test]
fn kaitens_form_is_kept_and_the_first_contracts_fields_are_derived() -> Result<(), Box<dyn std::error::Error>> {
    let body = json!({"default_variant": {"type": "basic", "value": "off"}, "event_name": "seen",
        "targetings": [{"type": "basic", "name": "growth", "rule": "plan == 'growth'", "variant": "on"},
                       {"type": "rollout_percentage", "name": "rest", "rule": "true", "distribution": {"on": 20, "off": 80}}]});
    let flag = FeatureFlag::create(Uuid::nil(), definition(body), &actor(), clock::now())?;
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
