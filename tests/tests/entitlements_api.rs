//! Entitlements through the real router and database: events on their triggers, the type rules
//! (validated and enforced by the database), the assigned-entitlement rule and tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

#[tokio::test]
async fn crud_emits_the_entitlement_events_with_the_api_payload() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let body =
        json!({"name": "API Calls", "type": "NUMBER", "meterType": "RAW_EVENT", "description": "Calls per month"});
    let response = app.request(Method::POST, "/api/entitlements", &acme.token).json(&body).send().await?;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some("/api/entitlements/api-calls"));
    let created: Value = response.json().await?;
    assert_eq!(created["aggregationMethod"], "SUM", "NUMBER aggregates with SUM unless told otherwise");
    let (status, fetched) = app.send(Method::GET, "/api/entitlements/api-calls", &acme.token, None).await?;
    assert_eq!((status, &fetched), (200, &created));
    let body = json!({"name": "API Calls", "userFacing": true, "unitSingular": "call", "unitPlural": "calls"});
    let (status, updated) = app.send(Method::PUT, "/api/entitlements/api-calls", &acme.token, Some(body)).await?;
    assert_eq!((status, updated["aggregationMethod"].as_str()), (200, Some("SUM")), "{updated}");
    assert_eq!((&updated["userFacing"], &updated["unitPlural"]), (&json!(true), &json!("calls")));
    assert_eq!(updated["description"], Value::Null, "a full replacement clears what it leaves out");
    let body = json!({"name": "API Calls", "aggregationMethod": "MAX"});
    let (status, problem) = app.send(Method::PUT, "/api/entitlements/api-calls", &acme.token, Some(body)).await?;
    assert_eq!((status, problem["errors"][0]["location"].as_str()), (422, Some("aggregationMethod")));
    let (_, list) = app.send(Method::GET, "/api/entitlements", &acme.token, None).await?;
    assert_eq!(list["total"], 1);
    assert_eq!(app.send(Method::DELETE, "/api/entitlements/api-calls", &acme.token, None).await?.0, 204);

    let outbox = app.outbox().await?;
    let names: Vec<&str> = outbox.iter().map(|r| r.event_name.as_str()).collect();
    assert_eq!(names, ["ENTITLEMENT_CREATION", "ENTITLEMENT_UPDATE", "ENTITLEMENT_DELETION"]);
    let types: Vec<&str> = outbox.iter().map(|r| r.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["com.kaiten.entitlement.v1.created", "com.kaiten.entitlement.v1.updated", "com.kaiten.entitlement.v1.deleted"]
    );
    assert_eq!((&outbox[0].data, &outbox[1].data, &outbox[2].data), (&created, &updated, &updated));
    assert!(outbox.iter().all(|r| r.organization_id == acme.id));
    Ok(())
}

#[tokio::test]
async fn type_rules_are_validated_and_enforced_by_the_database() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let cases = [
        (json!({"name": "Seats", "type": "NUMBER", "warningThresholdPercent": 150}), 422, "warningThresholdPercent"),
        (json!({"name": "SSO", "type": "BOOLEAN", "resetPeriod": "MONTH"}), 422, "resetPeriod"),
        (json!({"name": "SSO", "type": "BOOLEAN", "meterType": "RAW_EVENT"}), 422, "meterType"),
        (json!({"name": "Theme", "type": "CONFIG", "aggregationMethod": "SUM"}), 422, "aggregationMethod"),
    ];
    for (body, status, location) in cases {
        let (got, problem) = app.send(Method::POST, "/api/entitlements", &acme.token, Some(body.clone())).await?;
        assert_eq!(got, status, "{body}");
        assert_eq!(problem["errors"][0]["location"], location, "{body}: {problem}");
    }
    for body in [
        json!({"name": "Seats", "type": "STRING"}),
        json!({"name": "Seats", "type": "NUMBER", "meterType": "GUESSED"}),
        json!({"name": "Seats", "type": "NUMBER", "meterType": "RAW_EVENT", "aggregationMethod": "MEDIAN"}),
    ] {
        let (got, problem) = app.send(Method::POST, "/api/entitlements", &acme.token, Some(body.clone())).await?;
        assert_eq!((got, problem["code"].as_str()), (422, Some("invalid_body")), "{body}");
    }
    let (status, _) = app
        .send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO", "type": "BOOLEAN"})))
        .await?;
    assert_eq!(status, 201);
    let (status, problem) = app
        .send(Method::PUT, "/api/entitlements/sso", &acme.token, Some(json!({"name": "SSO", "type": "NUMBER"})))
        .await?;
    assert_eq!((status, problem["errors"][0]["location"].as_str()), (422, Some("type")));
    let (status, _) = app
        .send(Method::PUT, "/api/entitlements/sso", &acme.token, Some(json!({"name": "SSO", "meterType": "RAW_EVENT"})))
        .await?;
    assert_eq!(status, 422);
    assert_eq!(app.outbox().await?.len(), 1, "only the one valid creation wrote an event");

    // The database refuses what the API would never send.
    let refused = app
        .execute_sql(&format!(
            "INSERT INTO entitlements (id, organization_id, name, slug, type, created_at, updated_at)
             VALUES (gen_random_uuid(), '{}', 'Raw', 'raw', 'NUMBER', now(), now())",
            acme.id
        ))
        .await;
    assert!(refused.is_err_and(|e| e.to_string().contains("entitlements_metering_check")));
    Ok(())
}

#[tokio::test]
async fn an_assigned_entitlement_cannot_be_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, sso) = app
        .send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO", "type": "BOOLEAN"})))
        .await?;
    app.execute_sql(&format!(
        "INSERT INTO license_families (id, organization_id, slug, last_version, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000f', '{org}', 'pro', 1, now());
         INSERT INTO licenses (id, organization_id, name, slug, type, version, family_id, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', '{org}', 'Pro', 'pro', 'PAID', 1,
                 '00000000-0000-0000-0000-00000000000f', now(), now());
         INSERT INTO license_entitlements (license_id, entitlement_id, organization_id, value_type, value, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', '{id}', '{org}', 'boolean', 'true', now(), now())",
        org = acme.id,
        id = sso["id"].as_str().unwrap_or_default()
    ))
    .await?;
    let (status, problem) = app.send(Method::DELETE, "/api/entitlements/sso", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("still_assigned")));
    assert_eq!(app.send(Method::GET, "/api/entitlements/sso", &acme.token, None).await?.0, 200);
    assert_eq!(app.outbox().await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_entitlements() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO", "type": "BOOLEAN"}))).await?;
    for (method, body) in [(Method::GET, None), (Method::PUT, Some(json!({"name": "x"}))), (Method::DELETE, None)] {
        assert_eq!(app.send(method, "/api/entitlements/sso", &umbrella.token, body).await?.0, 404);
    }
    assert_eq!(
        app.send(Method::GET, "/api/entitlements", &umbrella.token, None).await?.1,
        json!({"items": [], "hasMore": false, "total": 0})
    );
    Ok(())
}
