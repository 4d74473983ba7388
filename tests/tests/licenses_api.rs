//! Licenses and their entitlement links through the real router and database: versions per family,
//! the six license events on their triggers, value types, conflicts and tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

fn enterprise(slug: &str) -> Value {
    json!({"name": "Enterprise", "slug": slug, "type": "PAID", "isActive": true})
}

/// Versions are numbered within a family ("1", "2", … as text, as Kaiten's contract has them); the
/// lifecycle moves by publish, archive and unarchive, each a LICENSE_UPDATE; one default per family.
#[tokio::test]
async fn licenses_get_versions_per_family_and_emit_their_events() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, first) = app.send(Method::POST, "/api/licenses", &acme.token, Some(enterprise("enterprise"))).await?;
    assert_eq!((status, &first["version"], &first["familySlug"]), (201, &json!("1"), &json!("enterprise")));
    assert_eq!((&first["lifecycleState"], &first["description"]), (&json!("PUBLISHED"), &json!("")));
    let body = json!({"name": "Enterprise", "type": "PAID", "familySlug": "enterprise", "lifecycleState": "DRAFT"});
    let (status, second) = app.send(Method::POST, "/api/licenses", &acme.token, Some(body)).await?;
    assert_eq!((status, &second["version"], &second["slug"]), (201, &json!("2"), &json!("enterprise-v2")), "{second}");
    assert_eq!((&second["familyId"], &second["isActive"]), (&first["familyId"], &json!(false)));
    let (_, other) =
        app.send(Method::POST, "/api/licenses", &acme.token, Some(json!({"name": "Trial", "type": "TRIAL"}))).await?;
    assert_eq!((&other["version"], &other["slug"]), (&json!("1"), &json!("trial")));

    let publish = |slug: &str, step: &str| format!("/api/licenses/{slug}/{step}");
    let (status, problem) = app.send(Method::POST, &publish("enterprise-v2", "archive"), &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("invalid_lifecycle_state")));
    let (status, published) = app.send(Method::POST, &publish("enterprise-v2", "publish"), &acme.token, None).await?;
    assert_eq!((status, &published["lifecycleState"]), (200, &json!("PUBLISHED")));
    let body = json!({"name": "Enterprise", "type": "PAID", "isDefault": true, "versionName": "2026"});
    let (status, updated) = app.send(Method::PUT, "/api/licenses/enterprise-v2", &acme.token, Some(body)).await?;
    assert_eq!((status, &updated["isDefault"], &updated["version"]), (200, &json!(true), &json!("2")));
    let body = json!({"name": "Enterprise", "type": "PAID", "isDefault": true});
    assert_eq!(app.send(Method::PUT, "/api/licenses/enterprise", &acme.token, Some(body)).await?.0, 200);
    let (_, second_now) = app.send(Method::GET, "/api/licenses/enterprise-v2", &acme.token, None).await?;
    assert_eq!(second_now["isDefault"], false, "the new default took over");
    let (_, archived) = app.send(Method::POST, &publish("enterprise", "archive"), &acme.token, None).await?;
    assert_eq!((&archived["lifecycleState"], &archived["isDefault"]), (&json!("ARCHIVED"), &json!(false)));
    let (status, back) = app.send(Method::POST, &publish("enterprise", "unarchive"), &acme.token, None).await?;
    assert_eq!((status, &back["lifecycleState"]), (200, &json!("PUBLISHED")));
    assert_eq!(app.send(Method::DELETE, "/api/licenses/trial", &acme.token, None).await?.0, 204);
    for body in [
        json!({"name": "X", "type": "FREE"}),
        json!({"name": "X", "type": "PAID", "familySlug": "nowhere"}),
        json!({"name": "X", "type": "PAID", "lifecycleState": "ARCHIVED"}),
    ] {
        assert_eq!(app.send(Method::POST, "/api/licenses", &acme.token, Some(body.clone())).await?.0, 422, "{body}");
    }
    let names: Vec<String> = app.outbox().await?.into_iter().map(|e| e.event_name).collect();
    assert_eq!(
        names,
        [
            "LICENSE_CREATION",
            "LICENSE_CREATION",
            "LICENSE_CREATION",
            "LICENSE_UPDATE",
            "LICENSE_UPDATE",
            "LICENSE_UPDATE",
            "LICENSE_UPDATE",
            "LICENSE_UPDATE",
            "LICENSE_DELETION",
        ]
    );
    Ok(())
}

/// A metered grant may let usage exceed its value by an overage percentage, and -1 is unlimited.
#[tokio::test]
async fn grants_carry_their_overage_and_unlimited_is_minus_one() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let seats = json!({"name": "Seats", "type": "NUMBER"});
    assert_eq!(app.send(Method::POST, "/api/entitlements", &acme.token, Some(seats)).await?.0, 201);
    assert_eq!(app.send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO"}))).await?.0, 201);
    assert_eq!(app.send(Method::POST, "/api/licenses", &acme.token, Some(enterprise("pro"))).await?.0, 201);
    let grants = "/api/licenses/pro/entitlements";
    let body = json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 10}, "limitCapExceededOveragePercent": 20});
    let (status, grant) = app.send(Method::POST, grants, &acme.token, Some(body)).await?;
    assert_eq!((status, &grant["limitCapExceededOveragePercent"]), (201, &json!(20)), "{grant}");
    let (status, one) = app.send(Method::GET, &format!("{grants}/seats"), &acme.token, None).await?;
    assert_eq!((status, &one), (200, &grant));
    let body = json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": true}, "limitCapExceededOveragePercent": 5});
    assert_eq!(
        app.send(Method::POST, grants, &acme.token, Some(body)).await?.0,
        422,
        "only metered grants have an overage"
    );
    let body = json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": true}});
    let (_, sso) = app.send(Method::POST, grants, &acme.token, Some(body)).await?;
    assert_eq!(sso["limitCapExceededOveragePercent"], Value::Null);
    let body = json!({"value": {"type": "number", "value": -1}});
    let (status, unlimited) = app.send(Method::PUT, &format!("{grants}/seats"), &acme.token, Some(body)).await?;
    assert_eq!((status, &unlimited["limitCapExceededOveragePercent"]), (200, &json!(-1)));
    for value in [
        json!({"value": {"type": "number", "value": -2}}),
        json!({"value": {"type": "number", "value": 5}, "limitCapExceededOveragePercent": -1}),
    ] {
        assert_eq!(
            app.send(Method::PUT, &format!("{grants}/seats"), &acme.token, Some(value.clone())).await?.0,
            422,
            "{value}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn entitlement_links_emit_assignment_update_and_unassignment() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/licenses", &acme.token, Some(enterprise("pro"))).await?;
    app.send(
        Method::POST,
        "/api/entitlements",
        &acme.token,
        Some(json!({"name": "Seats", "type": "NUMBER", "meterType": "RAW_EVENT"})),
    )
    .await?;
    app.send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO", "type": "BOOLEAN"}))).await?;
    let before = app.outbox().await?.len();

    let response = app
        .request(Method::POST, "/api/licenses/pro/entitlements", &acme.token)
        .json(&json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 1000}}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let assigned: Value = response.json().await?;
    assert_eq!(assigned["value"], json!({"type": "number", "value": 1000}));
    assert_eq!((assigned["licenseSlug"].as_str(), assigned["entitlementSlug"].as_str()), (Some("pro"), Some("seats")));
    let cases = [
        (json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 5}}), 409),
        (json!({"entitlementSlug": "sso", "value": {"type": "number", "value": 5}}), 422),
        (json!({"entitlementSlug": "nope", "value": {"type": "boolean", "value": true}}), 422),
        (json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": "yes"}}), 422),
    ];
    for (body, status) in cases {
        assert_eq!(
            app.send(Method::POST, "/api/licenses/pro/entitlements", &acme.token, Some(body.clone())).await?.0,
            status,
            "{body}"
        );
    }
    let (status, updated) = app
        .send(
            Method::PUT,
            "/api/licenses/pro/entitlements/seats",
            &acme.token,
            Some(json!({"value": {"type": "number", "value": 2500}})),
        )
        .await?;
    assert_eq!((status, &updated["value"]["value"]), (200, &json!(2500)));
    // A number no exact decimal holds is refused, and the stored value stays readable.
    let tiny = json!({"value": {"type": "number", "value": 2.2250738585e-313}});
    let (status, problem) =
        app.send(Method::PUT, "/api/licenses/pro/entitlements/seats", &acme.token, Some(tiny)).await?;
    assert_eq!((status, &problem["code"]), (422, &json!("invalid_body")), "{problem}");
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("too large or too precise")), "{problem}");
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/licenses/pro/entitlements/sso",
            &acme.token,
            Some(json!({"value": {"type": "boolean", "value": true}})),
        )
        .await?;
    assert_eq!(status, 404, "not assigned");
    let (_, list) = app.send(Method::GET, "/api/licenses/pro/entitlements", &acme.token, None).await?;
    assert_eq!(list, json!({"items": [updated], "hasMore": false, "total": 1}));
    assert_eq!(app.send(Method::DELETE, "/api/licenses/pro/entitlements/seats", &acme.token, None).await?.0, 204);
    assert_eq!(app.send(Method::DELETE, "/api/licenses/pro/entitlements/seats", &acme.token, None).await?.0, 404);

    let outbox = app.outbox().await?;
    let links: Vec<_> = outbox[before..].iter().collect();
    let summary: Vec<(&str, &str)> = links.iter().map(|r| (r.event_name.as_str(), r.event_type.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("LICENSE_ENTITLEMENT_ASSIGNMENT", "com.kaiten.license.entitlement.v1.assigned"),
            ("LICENSE_ENTITLEMENT_UPDATE", "com.kaiten.license.entitlement.v1.updated"),
            ("LICENSE_ENTITLEMENT_UNASSIGNMENT", "com.kaiten.license.entitlement.v1.unassigned"),
        ]
    );
    assert_eq!((&links[0].data, &links[1].data, &links[2].data), (&assigned, &updated, &updated));
    Ok(())
}

#[tokio::test]
async fn a_license_used_by_a_live_instance_cannot_be_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, license) = app.send(Method::POST, "/api/licenses", &acme.token, Some(enterprise("pro"))).await?;
    let (_, customer) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    app.execute_sql(&format!(
        "INSERT INTO instances (id, organization_id, name, slug, customer_id, license_id, created_at, updated_at)
         VALUES (gen_random_uuid(), '{}', 'Prod', 'prod', '{}', '{}', now(), now())",
        acme.id,
        customer["id"].as_str().unwrap_or_default(),
        license["id"].as_str().unwrap_or_default()
    ))
    .await?;
    let (status, problem) = app.send(Method::DELETE, "/api/licenses/pro", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("in_use")));
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_licenses_or_entitlements() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/licenses", &acme.token, Some(enterprise("pro"))).await?;
    app.send(Method::POST, "/api/entitlements", &acme.token, Some(json!({"name": "SSO", "type": "BOOLEAN"}))).await?;
    app.send(Method::POST, "/api/licenses", &umbrella.token, Some(enterprise("basic"))).await?;
    for (method, path, body) in [
        (Method::GET, "/api/licenses/pro", None),
        (Method::PUT, "/api/licenses/pro", Some(json!({"name": "Pro", "type": "PAID"}))),
        (Method::DELETE, "/api/licenses/pro", None),
        (Method::GET, "/api/licenses/pro/entitlements", None),
        (
            Method::POST,
            "/api/licenses/pro/entitlements",
            Some(json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": true}})),
        ),
    ] {
        assert_eq!(app.send(method.clone(), path, &umbrella.token, body).await?.0, 404, "{method} {path}");
    }
    let (status, _) = app
        .send(
            Method::POST,
            "/api/licenses/basic/entitlements",
            &umbrella.token,
            Some(json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": true}})),
        )
        .await?;
    assert_eq!(status, 422, "another organization's entitlement does not exist here");
    assert_eq!(app.send(Method::GET, "/api/licenses", &umbrella.token, None).await?.1["total"], 1);
    Ok(())
}
