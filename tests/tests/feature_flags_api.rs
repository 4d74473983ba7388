//! Feature flags through the real router and database: events on their triggers, variants, default
//! variant and targeting rules validated against the flag type, tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

fn dark_mode() -> Value {
    json!({"name": "Dark Mode", "type": "boolean", "enabled": true,
           "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}],
           "defaultVariant": "off",
           "targetingRules": [{"name": "beta testers", "rule": {"plan": "beta"}, "variant": "on"}]})
}

#[tokio::test]
async fn crud_emits_the_feature_flag_events_with_the_api_payload() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, created) = app.send(Method::POST, "/api/feature-flags", &acme.token, Some(dark_mode())).await?;
    assert_eq!(status, 201);
    assert_eq!(created["slug"], "dark-mode");
    assert_eq!(app.send(Method::GET, "/api/feature-flags/dark-mode", &acme.token, None).await?.1, created);
    let (status, updated) = app
        .send(
            Method::PUT,
            "/api/feature-flags/dark-mode",
            &acme.token,
            Some(json!({"enabled": false, "defaultVariant": "on"})),
        )
        .await?;
    assert_eq!(
        (status, updated["enabled"].as_bool(), updated["defaultVariant"].as_str()),
        (200, Some(false), Some("on"))
    );
    assert_eq!(updated["variants"], created["variants"], "omitted fields keep their value");
    assert_eq!(app.send(Method::DELETE, "/api/feature-flags/dark-mode", &acme.token, None).await?.0, 204);

    let outbox = app.outbox().await?;
    let summary: Vec<(&str, &str)> = outbox.iter().map(|r| (r.event_name.as_str(), r.event_type.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("FEATURE_FLAG_CREATION", "com.kaiten.feature_flag.v1.created"),
            ("FEATURE_FLAG_UPDATE", "com.kaiten.feature_flag.v1.updated"),
            ("FEATURE_FLAG_DELETION", "com.kaiten.feature_flag.v1.deleted"),
        ]
    );
    assert_eq!((&outbox[0].data, &outbox[1].data, &outbox[2].data), (&created, &updated, &updated));
    Ok(())
}

#[tokio::test]
async fn variants_default_and_rules_must_fit_the_flag() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let with = |patch: Value| {
        let mut body = dark_mode();
        if let (Some(body), Some(patch)) = (body.as_object_mut(), patch.as_object()) {
            body.extend(patch.clone());
        }
        body
    };
    let cases = [
        (
            with(json!({"variants": [{"name": "on", "value": "yes"}, {"name": "off", "value": false}]})),
            "variants[0].value",
        ),
        (with(json!({"defaultVariant": "maybe"})), "defaultVariant"),
        (with(json!({"targetingRules": [{"name": "r", "rule": {}, "variant": "nope"}]})), "targetingRules[0].variant"),
        (
            with(
                json!({"variants": [{"name": "on", "value": true}, {"name": "on", "value": false}], "defaultVariant": "on"}),
            ),
            "variants[1].name",
        ),
        (with(json!({"variants": [], "targetingRules": []})), "variants"),
        (with(json!({"type": "number"})), "variants[0].value"),
        (with(json!({"metadata": [1, 2]})), "metadata"),
    ];
    for (body, location) in cases {
        let (status, problem) = app.send(Method::POST, "/api/feature-flags", &acme.token, Some(body.clone())).await?;
        assert_eq!(status, 422, "{body}");
        let locations: Vec<&str> =
            problem["errors"].as_array().into_iter().flatten().filter_map(|e| e["location"].as_str()).collect();
        assert!(locations.contains(&location), "{body}: {locations:?}");
    }
    let (status, problem) =
        app.send(Method::POST, "/api/feature-flags", &acme.token, Some(with(json!({"type": "color"})))).await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("invalid_body")));

    assert_eq!(app.send(Method::POST, "/api/feature-flags", &acme.token, Some(dark_mode())).await?.0, 201);
    let (status, problem) =
        app.send(Method::PUT, "/api/feature-flags/dark-mode", &acme.token, Some(json!({"type": "string"}))).await?;
    assert_eq!(status, 422, "changing the type revalidates the variants: {problem}");
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/feature-flags/dark-mode",
            &acme.token,
            Some(json!({"variants": [{"name": "on", "value": true}]})),
        )
        .await?;
    assert_eq!(status, 422, "the default variant `off` would be gone");
    assert_eq!(app.outbox().await?.len(), 1, "only the valid creation wrote an event");
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_flags() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/feature-flags", &acme.token, Some(dark_mode())).await?;
    for (method, body) in [(Method::GET, None), (Method::PUT, Some(json!({"enabled": false}))), (Method::DELETE, None)]
    {
        assert_eq!(app.send(method, "/api/feature-flags/dark-mode", &umbrella.token, body).await?.0, 404);
    }
    assert_eq!(app.send(Method::GET, "/api/feature-flags", &umbrella.token, None).await?.1["total"], 0);
    Ok(())
}
