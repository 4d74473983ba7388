//! Instances and usage through the real router and database: INSTANCE_* events on their exact
//! triggers (DEPLOYMENT / MIGRATION only on real zone transitions), references within the
//! organization, usage folding, limits, USAGE_REACHED once, and concurrent reports.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Tenant, TestApp};

/// A customer, a license granting 20 `api-calls` (SUM), an SSO entitlement, and two zones.
async fn seed(app: &TestApp, tenant: &Tenant) -> anyhow::Result<()> {
    let token = &tenant.token;
    for (path, body) in [
        ("/api/customers", json!({"name": "Globex"})),
        ("/api/licenses", json!({"name": "Pro", "type": "PAID", "isActive": true})),
        ("/api/entitlements", json!({"name": "API Calls", "type": "NUMBER", "meterType": "RAW_EVENT"})),
        ("/api/entitlements", json!({"name": "SSO", "type": "BOOLEAN"})),
        (
            "/api/licenses/pro/entitlements",
            json!({"entitlementSlug": "api-calls", "value": {"type": "number", "value": 20}}),
        ),
        (
            "/api/licenses/pro/entitlements",
            json!({"entitlementSlug": "sso", "value": {"type": "boolean", "value": true}}),
        ),
        ("/api/deployment-zones", json!({"name": "EU"})),
        ("/api/deployment-zones", json!({"name": "US"})),
    ] {
        let (status, body) = app.send(Method::POST, path, token, Some(body)).await?;
        anyhow::ensure!(status == 201, "{path}: {status} {body}");
    }
    Ok(())
}

async fn events_since(app: &TestApp, from: usize) -> anyhow::Result<Vec<(String, Value)>> {
    Ok(app.outbox().await?.into_iter().skip(from).map(|r| (r.event_name, r.data)).collect())
}

#[tokio::test]
async fn instance_events_follow_the_zone_transitions() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    seed(&app, &acme).await?;
    let t = &acme.token;
    let start = app.outbox().await?.len();

    let (status, plain) = app
        .send(
            Method::POST,
            "/api/instances",
            t,
            Some(json!({"name": "Staging", "customerSlug": "globex", "licenseSlug": "pro"})),
        )
        .await?;
    assert_eq!((status, plain["deploymentZoneId"].is_null()), (201, true));
    let (status, zoned) = app
        .send(Method::POST, "/api/instances", t, Some(json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro", "deploymentZoneSlug": "eu", "platform": {"k8s": "1.31"}})))
        .await?;
    assert_eq!((status, zoned["deploymentZoneSlug"].as_str()), (201, Some("eu")));
    let names = |events: &[(String, Value)]| events.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let created = events_since(&app, start).await?;
    assert_eq!(names(&created), ["INSTANCE_CREATION", "INSTANCE_CREATION", "INSTANCE_DEPLOYMENT"]);
    assert_eq!((&created[0].1, &created[1].1, &created[2].1), (&plain, &zoned, &zoned));

    let mark = app.outbox().await?.len();
    let steps = [
        ("prod", json!({"name": "Prod", "description": "no zone change"}), vec!["INSTANCE_UPDATE"]),
        ("prod", json!({"name": "Prod", "deploymentZoneSlug": "eu"}), vec!["INSTANCE_UPDATE"]),
        ("prod", json!({"name": "Prod", "deploymentZoneSlug": "us"}), vec!["INSTANCE_UPDATE", "INSTANCE_MIGRATION"]),
        (
            "staging",
            json!({"name": "Staging", "deploymentZoneSlug": "eu"}),
            vec!["INSTANCE_UPDATE", "INSTANCE_DEPLOYMENT"],
        ),
        ("staging", json!({"name": "Staging", "deploymentZoneSlug": null}), vec!["INSTANCE_UPDATE"]),
    ];
    for (slug, body, expected) in steps {
        let before = app.outbox().await?.len();
        let (status, updated) = app.send(Method::PUT, &format!("/api/instances/{slug}"), t, Some(body.clone())).await?;
        assert_eq!(status, 200, "{body}: {updated}");
        let events = events_since(&app, before).await?;
        assert_eq!(names(&events), expected, "{body}");
        assert!(events.iter().all(|(_, payload)| payload == &updated), "every event carries the instance as returned");
    }
    assert!(app.outbox().await?.len() > mark);
    // A replacement: what the last body left out is cleared, what it names stays.
    let (_, prod) = app.send(Method::GET, "/api/instances/prod", t, None).await?;
    assert_eq!(
        (&prod["platform"], &prod["description"], &prod["deploymentZoneSlug"]),
        (&Value::Null, &json!(""), &json!("us"))
    );

    let (_, before_delete) = app.send(Method::GET, "/api/instances/prod", t, None).await?;
    let mark = app.outbox().await?.len();
    assert_eq!(app.send(Method::DELETE, "/api/instances/prod", t, None).await?.0, 204);
    assert_eq!(events_since(&app, mark).await?, vec![("INSTANCE_DELETION".to_owned(), before_delete)]);
    assert_eq!(app.send(Method::GET, "/api/instances/prod", t, None).await?.0, 404);
    assert_eq!(app.send(Method::GET, "/api/instances", t, None).await?.1["total"], 1);
    let (_, all) = app.send(Method::GET, "/api/instances?includeDeleted=true", t, None).await?;
    assert_eq!(all["total"], 2);
    Ok(())
}

#[tokio::test]
async fn references_must_exist_in_the_callers_organization() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    seed(&app, &acme).await?;
    let (_, customer) = app.send(Method::GET, "/api/customers/globex", &acme.token, None).await?;
    app.send(
        Method::POST,
        "/api/licenses",
        &umbrella.token,
        Some(json!({"name": "Pro", "type": "PAID", "isActive": true})),
    )
    .await?;
    let cases = [
        (json!({"name": "X", "customerSlug": "globex", "licenseSlug": "pro"}), 404),
        (json!({"name": "X", "customerId": customer["id"], "licenseSlug": "pro"}), 404),
        (json!({"name": "X", "licenseSlug": "pro"}), 422),
    ];
    for (body, status) in cases {
        assert_eq!(
            app.send(Method::POST, "/api/instances", &umbrella.token, Some(body.clone())).await?.0,
            status,
            "{body}"
        );
    }
    let (status, _) = app
        .send(
            Method::POST,
            "/api/instances",
            &acme.token,
            Some(json!({"name": "Y", "customerId": customer["id"], "licenseSlug": "pro",
            "startLicenseDate": "2026-09-02T00:00:00Z", "endLicenseDate": "2026-09-01T00:00:00Z"})),
        )
        .await?;
    assert_eq!(status, 422, "dates out of order");
    let (status, _) = app
        .send(
            Method::POST,
            "/api/instances",
            &acme.token,
            Some(json!({"name": "Z", "customerId": customer["id"], "licenseSlug": "pro"})),
        )
        .await?;
    assert_eq!(status, 201, "by id works in the right organization");
    assert_eq!(app.send(Method::GET, "/api/instances/z", &umbrella.token, None).await?.0, 404);
    for (method, path, body) in [
        (Method::PUT, "/api/instances/z", Some(json!({"name": "taken"}))),
        (Method::DELETE, "/api/instances/z", None),
        (Method::POST, "/api/instances/z/entitlements/api-calls/usage", Some(json!({"value": 1}))),
        (Method::GET, "/api/instances/z/entitlements/api-calls/usage", None),
        (Method::GET, "/api/instances/z/entitlements/usage", None),
    ] {
        assert_eq!(app.send(method.clone(), path, &umbrella.token, body).await?.0, 404, "{method} {path}");
    }
    assert_eq!(app.send(Method::GET, "/api/instances", &umbrella.token, None).await?.1["total"], 0);
    Ok(())
}

#[tokio::test]
async fn usage_folds_refuses_overruns_and_reports_reaching_the_limit_once() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    seed(&app, &acme).await?;
    let t = &acme.token;
    app.send(
        Method::POST,
        "/api/instances",
        t,
        Some(json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro"})),
    )
    .await?;
    let path = "/api/instances/prod/entitlements/api-calls/usage";
    let mark = app.outbox().await?.len();
    let (status, usage) = app.send(Method::POST, path, t, Some(json!({"value": 15}))).await?;
    assert_eq!((status, &usage["value"]), (200, &json!({"type": "number", "value": 15, "event_count": 1})));
    assert_eq!(usage["limit"], json!({"type": "number", "value": 20}));
    assert!(events_since(&app, mark).await?.is_empty(), "below the limit: no event");
    let (status, problem) =
        app.send(Method::POST, path, t, Some(json!({"value": {"type": "number", "value": 6}}))).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("usage_over_limit")));
    assert_eq!(app.send(Method::GET, path, t, None).await?.1["value"]["value"], 15, "nothing stored");
    let (status, reached) =
        app.send(Method::POST, path, t, Some(json!({"value": {"type": "number", "value": 5}}))).await?;
    assert_eq!((status, &reached["value"]["value"]), (200, &json!(20)), "an integral usage is a JSON integer");
    let events = events_since(&app, mark).await?;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "INSTANCE_ENTITLEMENT_USAGE_REACHED");
    assert_eq!(events[0].1["value"], json!({"type": "number", "value": 20, "event_count": 2}));
    assert_eq!(
        (events[0].1["instanceSlug"].as_str(), events[0].1["licenseSlug"].as_str()),
        (Some("prod"), Some("pro"))
    );
    let (status, _) = app.send(Method::POST, path, t, Some(json!({"value": 0}))).await?;
    assert_eq!(status, 200);
    assert_eq!(events_since(&app, mark).await?.len(), 1, "staying at the limit is not a new transition");
    let (status, reset) = app.send(Method::POST, path, t, Some(json!({"value": 3, "behavior": "set"}))).await?;
    assert_eq!((status, reset["value"]["value"].as_f64()), (200, Some(3.0)));

    for (body, status) in [
        (json!({"value": -1}), 422),
        (json!({"value": "many"}), 422),
        (json!({"value": 1, "behavior": "replace"}), 422),
    ] {
        assert_eq!(app.send(Method::POST, path, t, Some(body.clone())).await?.0, status, "{body}");
    }
    assert_eq!(
        app.send(Method::POST, "/api/instances/prod/entitlements/sso/usage", t, Some(json!({"value": 1}))).await?.0,
        422
    );
    let (_, all) = app.send(Method::GET, "/api/instances/prod/entitlements/usage", t, None).await?;
    assert_eq!((all.as_array().map(Vec::len), all[0]["entitlementSlug"].as_str()), (Some(1), Some("api-calls")));
    Ok(())
}

#[tokio::test]
async fn concurrent_reports_lose_nothing_and_reach_the_limit_exactly_once() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    seed(&app, &acme).await?;
    app.send(
        Method::POST,
        "/api/instances",
        &acme.token,
        Some(json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro"})),
    )
    .await?;
    let mark = app.outbox().await?.len();
    let reports = (0..20).map(|_| {
        app.send(
            Method::POST,
            "/api/instances/prod/entitlements/api-calls/usage",
            &acme.token,
            Some(json!({"value": 1})),
        )
    });
    let results = futures::future::join_all(reports).await;
    for result in results {
        assert_eq!(result?.0, 200);
    }
    let (_, usage) =
        app.send(Method::GET, "/api/instances/prod/entitlements/api-calls/usage", &acme.token, None).await?;
    assert_eq!(usage["value"], json!({"type": "number", "value": 20, "event_count": 20}));
    let reached: Vec<_> = events_since(&app, mark)
        .await?
        .into_iter()
        .filter(|(n, _)| n == "INSTANCE_ENTITLEMENT_USAGE_REACHED")
        .collect();
    assert_eq!(reached.len(), 1);
    Ok(())
}

#[tokio::test]
async fn usage_is_exact_decimal_arithmetic_and_integral_values_are_integers() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    seed(&app, &acme).await?;
    let t = &acme.token;
    // A grant of 0.3 on a fresh license, and an instance on it.
    app.send(Method::POST, "/api/licenses", t, Some(json!({"name": "Metered", "type": "PAID", "isActive": true})))
        .await?;
    let grant = json!({"entitlementSlug": "api-calls", "value": {"type": "number", "value": 0.3}});
    let (status, granted) = app.send(Method::POST, "/api/licenses/metered/entitlements", t, Some(grant)).await?;
    assert_eq!((status, &granted["value"]["value"]), (201, &json!(0.3)));
    let instance = json!({"name": "Edge", "customerSlug": "globex", "licenseSlug": "metered"});
    assert_eq!(app.send(Method::POST, "/api/instances", t, Some(instance)).await?.0, 201);
    let path = "/api/instances/edge/entitlements/api-calls/usage";
    let mark = app.outbox().await?.len();
    assert_eq!(app.send(Method::POST, path, t, Some(json!({"value": 0.1}))).await?.0, 200);
    let (status, usage) = app.send(Method::POST, path, t, Some(json!({"value": 0.2}))).await?;
    assert_eq!((status, &usage["value"]["value"]), (200, &json!(0.3)), "0.1 + 0.2 is 0.3: {usage}");
    let events = events_since(&app, mark).await?;
    assert_eq!(events.len(), 1, "the limit of 0.3 is reached");
    assert_eq!(events[0].0, "INSTANCE_ENTITLEMENT_USAGE_REACHED");
    assert_eq!(events[0].1["value"]["value"], json!(0.3));
    assert_eq!(events[0].1["limit"], json!({"type": "number", "value": 0.3}));
    let (status, over) = app.send(Method::POST, path, t, Some(json!({"value": 0.0000001}))).await?;
    assert_eq!((status, over["code"].as_str()), (409, Some("usage_over_limit")));

    // Integral values are JSON integers, whichever way they were written.
    let whole = json!({"value": {"type": "number", "value": 20.0}});
    let (status, updated) = app.send(Method::PUT, "/api/licenses/pro/entitlements/api-calls", t, Some(whole)).await?;
    assert_eq!(status, 200);
    let text = serde_json::to_string(&updated["value"])?;
    assert_eq!(text, r#"{"type":"number","value":20}"#);
    Ok(())
}

/// Kaiten's instance contract: a description and a license term that are never null, status and
/// lifecycle stage set by PATCH (an INSTANCE_UPDATE), usage answers naming entitlement and license by
/// id, the usage list as an array, and a grant's overage raising the cap.
#[tokio::test]
async fn status_stage_and_usage_as_kaitens_clients_read_them() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    seed(&app, &acme).await?;
    let body = json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro"});
    let (status, created) = app.send(Method::POST, "/api/instances", &acme.token, Some(body)).await?;
    assert_eq!(
        (status, &created["description"], &created["endLicenseDate"]),
        (201, &json!(""), &json!("9999-12-31T23:59:59Z"))
    );
    assert_eq!(created["startLicenseDate"], created["createdAt"]);
    let before = app.outbox().await?.len();
    let (status, patched) =
        app.send(Method::PATCH, "/api/instances/prod", &acme.token, Some(json!({"status": "DEGRADED"}))).await?;
    assert_eq!((status, &patched["status"], &patched["lifecycleStage"]), (200, &json!("DEGRADED"), &Value::Null));
    let (_, staged) =
        app.send(Method::PATCH, "/api/instances/prod", &acme.token, Some(json!({"lifecycleStage": "ACTIVE"}))).await?;
    assert_eq!((&staged["status"], &staged["lifecycleStage"]), (&json!("DEGRADED"), &json!("ACTIVE")));
    for bad in [json!({}), json!({"status": "ON_FIRE"}), json!({"lifecycleStage": " "})] {
        assert_eq!(
            app.send(Method::PATCH, "/api/instances/prod", &acme.token, Some(bad.clone())).await?.0,
            422,
            "{bad}"
        );
    }
    let names: Vec<String> = events_since(&app, before).await?.into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["INSTANCE_UPDATE", "INSTANCE_UPDATE"]);
    // The audit trail names each change as Kaiten's does, newest first.
    let (status, trail) = app.send(Method::GET, "/api/instances/prod/audit-trails", &acme.token, None).await?;
    let trail_names: Vec<&str> =
        trail["items"].as_array().into_iter().flatten().filter_map(|e| e["eventName"].as_str()).collect();
    assert_eq!(
        (status, trail_names),
        (200, vec!["INSTANCE_LIFECYCLE_STAGE_CHANGED", "INSTANCE_STATUS_CHANGED", "INSTANCE_CREATED"])
    );
    let path = "/api/instances/prod/audit-trails?event_name=INSTANCE_STATUS_CHANGED&limit=1";
    let (_, one) = app.send(Method::GET, path, &acme.token, None).await?;
    assert_eq!(
        (&one["items"][0]["instanceSlug"], &one["items"][0]["payload"]["status"], &one["hasMore"]),
        (&json!("prod"), &json!("DEGRADED"), &json!(false))
    );
    let (status, _) =
        app.send(Method::GET, "/api/instances/prod/audit-trails?after=yesterday", &acme.token, None).await?;
    assert_eq!(status, 422);

    let grant = json!({"value": {"type": "number", "value": 20}, "limitCapExceededOveragePercent": 50});
    assert_eq!(
        app.send(Method::PUT, "/api/licenses/pro/entitlements/api-calls", &acme.token, Some(grant)).await?.0,
        200
    );
    let usage = "/api/instances/prod/entitlements/api-calls/usage";
    let body = json!({"value": {"type": "number", "value": 25}, "metadata": {"source": "nightly"}});
    let (status, reported) = app.send(Method::POST, usage, &acme.token, Some(body)).await?;
    assert_eq!((status, &reported["value"]["value"]), (200, &json!(25)), "within 20 + 50 %: {reported}");
    assert_eq!(
        (&reported["entitlementId"], &reported["licenseId"]),
        (&app_id(&app, &acme, "/api/entitlements/api-calls").await?, &app_id(&app, &acme, "/api/licenses/pro").await?)
    );
    let (status, _) = app.send(Method::POST, usage, &acme.token, Some(json!({"value": 6}))).await?;
    assert_eq!(status, 409, "31 is past the cap of 30");
    let (status, _) = app.send(Method::POST, usage, &acme.token, Some(json!({"value": 1, "metadata": "text"}))).await?;
    assert_eq!(status, 422);
    let (status, list) = app.send(Method::GET, "/api/instances/prod/entitlements/usage", &acme.token, None).await?;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)), "a bare array: {list}");
    Ok(())
}

async fn app_id(app: &TestApp, tenant: &Tenant, path: &str) -> anyhow::Result<Value> {
    Ok(app.send(Method::GET, path, &tenant.token, None).await?.1["id"].clone())
}
