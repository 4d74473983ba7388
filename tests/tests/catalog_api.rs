//! The event catalog: 27 domain events and 3 operational ones from the domain's table, each with a JSON Schema that its example and
//! the payloads the API really writes to the outbox validate against.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use support::TestApp;

async fn catalog(app: &TestApp, token: &str) -> anyhow::Result<Vec<Value>> {
    let (status, body) = app.send(Method::GET, "/api/events/catalog", token, None).await?;
    anyhow::ensure!(status == 200, "catalog answered {status}");
    Ok(body["items"].as_array().cloned().unwrap_or_default())
}

fn validates(schema: &Value, instance: &Value) -> anyhow::Result<bool> {
    let validator = jsonschema::validator_for(schema).map_err(|e| anyhow::anyhow!("invalid schema: {e}"))?;
    for error in validator.iter_errors(instance) {
        eprintln!("{error} at {}", error.instance_path());
    }
    Ok(validator.is_valid(instance))
}

#[tokio::test]
async fn the_catalog_serves_30_events_whose_examples_fit_their_schemas() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let events = catalog(&app, &acme.token).await?;
    assert_eq!(events.len(), 30);
    let names: HashSet<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(names.len(), 30);
    let operational: Vec<&str> =
        events.iter().filter(|e| e["domain"] == "Operational").filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(
        operational,
        ["WEBHOOK_ENDPOINT_DISABLED", "WEBHOOK_ENDPOINT_ENABLED", "WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED"]
    );
    for event in &events {
        for field in ["name", "currentName", "type", "domain", "description"] {
            assert!(event[field].as_str().is_some_and(|v| !v.is_empty()), "{field} of {event}");
        }
        assert!(validates(&event["schema"], &event["example"])?, "{} example does not fit its schema", event["name"]);
    }
    let domains: HashSet<&str> = events.iter().filter_map(|e| e["domain"].as_str()).collect();
    assert_eq!(domains.len(), 8, "the seven domains and Operational");
    // Quantities in the examples are written as integers when integral, as the payloads are.
    let usage = events.iter().find(|e| e["name"] == "INSTANCE_ENTITLEMENT_USAGE_REACHED");
    let usage = usage.ok_or_else(|| anyhow::anyhow!("no usage event"))?;
    assert_eq!(serde_json::to_string(&usage["example"]["limit"])?, r#"{"type":"number","value":1000}"#);
    assert!(usage["example"]["value"]["value"].is_u64(), "{}", usage["example"]);
    assert_eq!(app.client.get(format!("{}/api/events/catalog", app.base_url)).send().await?.status(), 401);
    Ok(())
}

#[tokio::test]
async fn the_payloads_written_by_the_api_fit_the_catalog_schemas() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let writes = [
        ("/api/customers", json!({"name": "Globex", "externalCustomerId": "crm-1"})),
        ("/api/entitlements", json!({"name": "Seats", "type": "NUMBER", "meterType": "CALCULATED_USAGE"})),
        ("/api/releases", json!({"version": "v1.2.3", "description": "First"})),
        (
            "/api/feature-flags",
            json!({"name": "Beta", "type": "string", "enabled": false,
            "variants": [{"name": "a", "value": "x"}], "defaultVariant": "a", "metadata": {"team": "core"}}),
        ),
    ];
    for (path, body) in writes {
        let (status, _) = app.send(Method::POST, path, &acme.token, Some(body)).await?;
        assert_eq!(status, 201, "{path}");
    }
    let steps = [
        (Method::PUT, "/api/customers/globex", json!({"name": "Globex", "externalCustomerId": null})),
        (Method::PUT, "/api/entitlements/seats", json!({"name": "Seats", "userFacing": true})),
        (
            Method::PUT,
            "/api/feature-flags/beta",
            json!({"name": "Beta", "type": "string", "variants": [{"name": "a", "value": "x"}, {"name": "b", "value": "y"}],
                "default_variant": {"type": "rollout_percentage", "distribution": {"a": 1, "b": 3}},
                "targetings": [{"type": "basic", "name": "staff", "rule": "staff == true", "variant": "b"}]}),
        ),
        (
            Method::POST,
            "/api/licenses",
            json!({"name": "Pro", "type": "PAID", "isActive": true, "versionName": "2026"}),
        ),
        (Method::PUT, "/api/licenses/pro", json!({"name": "Pro", "type": "PAID", "isDefault": true})),
        (
            Method::POST,
            "/api/licenses/pro/entitlements",
            json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 2}}),
        ),
        (Method::PUT, "/api/licenses/pro/entitlements/seats", json!({"value": {"type": "number", "value": 3}})),
        (Method::POST, "/api/deployment-zones", json!({"name": "EU", "metadata": {"region": "eu"}})),
        (Method::POST, "/api/deployment-zones", json!({"name": "US"})),
        (Method::PUT, "/api/deployment-zones/us", json!({"name": "US", "type": "dedicated"})),
        (Method::POST, "/api/deployment-zones/eu/deployments", json!({"releaseSlug": "v1-2-3"})),
        (
            Method::POST,
            "/api/instances",
            json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro", "deploymentZoneSlug": "eu"}),
        ),
        (
            Method::PUT,
            "/api/instances/prod",
            json!({"name": "Prod", "deploymentZoneSlug": "us", "platform": {"k8s": "1.31"}}),
        ),
        (Method::POST, "/api/instances/prod/entitlements/seats/usage", json!({"value": 3})),
        (Method::DELETE, "/api/instances/prod", Value::Null),
        (Method::DELETE, "/api/licenses/pro/entitlements/seats", Value::Null),
        (Method::DELETE, "/api/licenses/pro", Value::Null),
        (Method::DELETE, "/api/deployment-zones/us", Value::Null),
        (Method::DELETE, "/api/feature-flags/beta", Value::Null),
        (Method::DELETE, "/api/entitlements/seats", Value::Null),
        (Method::DELETE, "/api/customers/globex", Value::Null),
        (Method::POST, "/api/releases", json!({"version": "v9"})),
        (Method::DELETE, "/api/releases/v9", Value::Null),
    ];
    for (method, path, body) in steps {
        let body = (!body.is_null()).then_some(body);
        let (status, answer) = app.send(method.clone(), path, &acme.token, body).await?;
        assert!((200..300).contains(&status), "{method} {path}: {status} {answer}");
    }
    let schemas: Vec<Value> = catalog(&app, &acme.token).await?;
    let outbox = app.outbox().await?;
    let kinds: HashSet<&str> = outbox.iter().map(|r| r.event_name.as_str()).collect();
    assert_eq!(kinds.len(), 27, "this scenario triggers every domain event of the catalog");
    for row in outbox {
        let event = schemas
            .iter()
            .find(|e| e["name"] == row.event_name.as_str())
            .ok_or_else(|| anyhow::anyhow!("{} not in the catalog", row.event_name))?;
        assert_eq!(event["type"], row.event_type.as_str());
        assert!(validates(&event["schema"], &row.data)?, "{} payload {} does not fit", row.event_name, row.data);
    }
    let (_, feed) = app.send(Method::GET, "/api/events?limit=200", &acme.token, None).await?;
    for body in feed["items"].as_array().into_iter().flatten() {
        let name = body["name"].as_str().unwrap_or_default();
        let concerns_a_customer = name.starts_with("CUSTOMER_") || name.starts_with("INSTANCE_");
        let expected = if concerns_a_customer { json!("globex") } else { Value::Null };
        assert_eq!(body.get("customerSlug").cloned().unwrap_or(Value::Null), expected, "{name}: {body}");
        let event =
            schemas.iter().find(|e| e["name"] == name).ok_or_else(|| anyhow::anyhow!("{name} not in the catalog"))?;
        assert!(
            validates(&event["bodySchema"], body)?,
            "{name}: the body does not fit the catalog's body schema: {body}"
        );
    }
    assert_previous_attributes(&app, &acme.token, &schemas).await
}

/// Every update event (and INSTANCE_MIGRATION) of the scenario carries `previousAttributes`: only fields
/// that changed, each with a value its field's schema allows; no other event carries it.
async fn assert_previous_attributes(app: &TestApp, token: &str, schemas: &[Value]) -> anyhow::Result<()> {
    let (status, feed) = app.send(Method::GET, "/api/events?limit=200", token, None).await?;
    assert_eq!(status, 200, "{feed}");
    let mut seen = HashSet::new();
    for body in feed["items"].as_array().into_iter().flatten() {
        let name = body["name"].as_str().unwrap_or_default();
        let is_update = name.ends_with("_UPDATE") || name == "INSTANCE_MIGRATION";
        let Some(previous) = body.get("previousAttributes") else {
            assert!(!is_update, "{name} has no previousAttributes: {body}");
            continue;
        };
        assert!(is_update, "{name} is no update but has previousAttributes: {body}");
        let previous = previous.as_object().ok_or_else(|| anyhow::anyhow!("{name}: {previous} is not an object"))?;
        assert!(!previous.is_empty(), "{name}: each update of the scenario changes something: {body}");
        for (field, before) in previous {
            assert_ne!(&body["data"][field], before, "{name}: {field} is listed but did not change");
            assert!(field != "updatedAt" && field != "updatedBy", "{name}: bookkeeping listed");
        }
        let mut as_before = body["data"].clone();
        for (field, before) in previous {
            as_before[field] = before.clone();
        }
        let schema = schemas.iter().find(|e| e["name"] == name).map(|e| e["schema"].clone()).unwrap_or_default();
        assert!(validates(&schema, &as_before)?, "{name}: the values before do not fit the schema: {body}");
        seen.insert(name.to_owned());
    }
    let migration = feed["items"].as_array().into_iter().flatten().find(|b| b["name"] == "INSTANCE_MIGRATION");
    let migration = migration.ok_or_else(|| anyhow::anyhow!("no migration in the feed"))?;
    assert_eq!(migration["previousAttributes"]["deploymentZoneSlug"], "eu", "the migration names the zone it left");
    let link = feed["items"].as_array().into_iter().flatten().find(|b| b["name"] == "LICENSE_ENTITLEMENT_UPDATE");
    let link = link.ok_or_else(|| anyhow::anyhow!("no license entitlement update in the feed"))?;
    assert_eq!(link["previousAttributes"]["value"], json!({"type": "number", "value": 2}));
    let updates = [
        "CUSTOMER_UPDATE",
        "ENTITLEMENT_UPDATE",
        "FEATURE_FLAG_UPDATE",
        "LICENSE_UPDATE",
        "LICENSE_ENTITLEMENT_UPDATE",
        "DEPLOYMENT_ZONE_UPDATE",
        "INSTANCE_UPDATE",
        "INSTANCE_MIGRATION",
    ];
    assert_eq!(seen, updates.iter().map(|n| (*n).to_owned()).collect::<HashSet<_>>());
    Ok(())
}
