//! The event catalog: 27 events from the domain's table, each with a JSON Schema that its example and
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
async fn the_catalog_serves_27_events_whose_examples_fit_their_schemas() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let events = catalog(&app, &acme.token).await?;
    assert_eq!(events.len(), 27);
    let names: HashSet<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(names.len(), 27);
    for event in &events {
        for field in ["name", "type", "domain", "description"] {
            assert!(event[field].as_str().is_some_and(|v| !v.is_empty()), "{field} of {event}");
        }
        assert!(validates(&event["schema"], &event["example"])?, "{} example does not fit its schema", event["name"]);
    }
    let domains: HashSet<&str> = events.iter().filter_map(|e| e["domain"].as_str()).collect();
    assert_eq!(domains.len(), 7);
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
    app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({"externalCustomerId": null}))).await?;
    app.send(Method::DELETE, "/api/releases/v1-2-3", &acme.token, None).await?;
    let schemas: Vec<Value> = catalog(&app, &acme.token).await?;
    let outbox = app.outbox().await?;
    assert_eq!(outbox.len(), 6);
    for row in outbox {
        let event = schemas
            .iter()
            .find(|e| e["name"] == row.event_name.as_str())
            .ok_or_else(|| anyhow::anyhow!("{} not in the catalog", row.event_name))?;
        assert_eq!(event["type"], row.event_type.as_str());
        assert!(validates(&event["schema"], &row.payload)?, "{} payload {} does not fit", row.event_name, row.payload);
    }
    Ok(())
}
