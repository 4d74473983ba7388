//! The JSON Schema of each event's `data`, generated from the very wire types the API returns and the
//! outbox carries — so the catalog, Svix's event types and the payloads cannot drift.

use crate::customer::Customer;
use crate::deployment_zone::{Deployment, DeploymentZone};
use crate::entitlement::Entitlement;
use crate::feature_flag::FeatureFlag;
use crate::instance::Instance;
use crate::instance_usage::UsageReached;
use crate::license::{License, LicenseEntitlement};
use crate::operational::{EndpointDisabled, EndpointEnabled, MessageAttemptExhausted};
use crate::release::Release;
use kaiten_domain::EventKind;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A self-contained JSON Schema (2020-12) of `T`, with the types it refers to under `$defs`.
fn json_schema<T: ToSchema>() -> Value {
    let mut dependencies = Vec::new();
    T::schemas(&mut dependencies);
    let mut root = serde_json::to_value(T::schema()).unwrap_or(Value::Null);
    let mut definitions = Map::new();
    while let Some((name, schema)) = dependencies.pop() {
        definitions.entry(name).or_insert_with(|| serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    merge_all_of(&mut root, &definitions);
    if let Value::Object(object) = &mut root {
        object.insert("$schema".into(), Value::from("https://json-schema.org/draft/2020-12/schema"));
        if !definitions.is_empty() {
            object.insert("$defs".into(), Value::Object(definitions));
        }
    }
    rewrite_references(&mut root);
    root
}

/// A type with flattened fields is generated as `allOf` its parts: merged here into one object schema,
/// so every event's `data` is described as the one object it is.
fn merge_all_of(root: &mut Value, definitions: &Map<String, Value>) {
    let Some(parts) = root.get("allOf").and_then(Value::as_array).cloned() else { return };
    let mut properties = Map::new();
    let mut required = Vec::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                definitions.get(reference.trim_start_matches("#/components/schemas/")).cloned().unwrap_or(Value::Null)
            }
            None => part,
        };
        properties.extend(part.get("properties").and_then(Value::as_object).cloned().unwrap_or_default());
        required.extend(part.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
    }
    let mut merged = Map::new();
    merged.insert("type".into(), Value::from("object"));
    merged.insert("properties".into(), Value::Object(properties));
    merged.insert("required".into(), Value::Array(required));
    *root = Value::Object(merged);
}

/// OpenAPI references (`#/components/schemas/X`) become JSON Schema ones (`#/$defs/X`).
fn rewrite_references(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                match child {
                    Value::String(reference) if key == "$ref" => {
                        *reference = reference.replace("#/components/schemas/", "#/$defs/");
                    }
                    _ => rewrite_references(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_references),
        _ => {}
    }
}

/// The JSON Schema of `kind`'s `data`.
pub(crate) fn data_schema(kind: EventKind) -> Value {
    use EventKind::*;
    match kind {
        CustomerCreation | CustomerUpdate | CustomerDeletion => json_schema::<Customer>(),
        EntitlementCreation | EntitlementUpdate | EntitlementDeletion => json_schema::<Entitlement>(),
        LicenseCreation | LicenseUpdate | LicenseDeletion => json_schema::<License>(),
        LicenseEntitlementAssignment | LicenseEntitlementUnassignment | LicenseEntitlementUpdate => {
            json_schema::<LicenseEntitlement>()
        }
        InstanceCreation | InstanceUpdate | InstanceDeletion | InstanceDeployment | InstanceMigration => {
            json_schema::<Instance>()
        }
        InstanceEntitlementUsageReached => json_schema::<UsageReached>(),
        DeploymentZoneCreation | DeploymentZoneUpdate | DeploymentZoneDeletion => json_schema::<DeploymentZone>(),
        ReleaseDeployment => json_schema::<Deployment>(),
        ReleaseCreation | ReleaseDeletion => json_schema::<Release>(),
        FeatureFlagCreation | FeatureFlagUpdate | FeatureFlagDeletion => json_schema::<FeatureFlag>(),
        WebhookEndpointDisabled => json_schema::<EndpointDisabled>(),
        WebhookEndpointEnabled => json_schema::<EndpointEnabled>(),
        WebhookMessageAttemptExhausted => json_schema::<MessageAttemptExhausted>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventContract;

    #[test]
    fn every_event_has_an_object_schema_whose_references_resolve() {
        for kind in EventKind::all() {
            let schema = kind.data_schema();
            assert_eq!(schema["type"], "object", "{kind}");
            let text = schema.to_string();
            assert!(!text.contains("#/components/"), "{kind}: {text}");
            for reference in text.split("\"#/$defs/").skip(1) {
                let name = reference.split('"').next().unwrap_or_default();
                assert!(schema["$defs"].get(name).is_some(), "{kind}: missing definition {name}");
            }
        }
    }

    #[test]
    fn the_customer_schema_names_the_api_fields() {
        let schema = EventKind::CustomerCreation.data_schema();
        let mut properties: Vec<&str> =
            schema["properties"].as_object().map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
        properties.sort_unstable();
        assert_eq!(
            properties,
            [
                "createdAt",
                "createdBy",
                "domain",
                "externalCustomerId",
                "id",
                "name",
                "organizationId",
                "slug",
                "updatedAt",
                "updatedBy"
            ]
        );
        let required = schema["required"].as_array().map(Vec::len).unwrap_or_default();
        assert_eq!(required, 8, "everything but the nullable external id and domain is required: {schema}");
    }
}
