//! Feature flags through the real router and database: events on their triggers, variants, default
//! variant and targetings validated against the flag type, in Kaiten's form and the first
//! contract's, the OpenFeature manifest, tenant isolation.

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
    assert_eq!(created["targetings"][0]["rule"], r#"{"plan":"beta"}"#, "an object rule is kept as its text");
    let mut replacement = dark_mode();
    if let Some(body) = replacement.as_object_mut() {
        body.remove("targetingRules");
        body.extend([("enabled".to_owned(), json!(false)), ("defaultVariant".to_owned(), json!("on"))]);
    }
    let (status, updated) =
        app.send(Method::PUT, "/api/feature-flags/dark-mode", &acme.token, Some(replacement)).await?;
    assert_eq!(
        (status, updated["enabled"].as_bool(), updated["default_variant"].clone()),
        (200, Some(false), json!({"type": "basic", "value": "on"}))
    );
    assert_eq!((&updated["targetings"], &updated["targetingRules"]), (&json!([]), &json!([])), "a full replacement");
    assert_eq!(updated["createdAt"], created["createdAt"]);
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
        (with(json!({"default_variant": {"type": "basic", "value": "on"}})), "defaultVariant"),
        (
            with(
                json!({"defaultVariant": null, "default_variant": {"type": "rollout_percentage", "distribution": {"on": 0}}}),
            ),
            "default_variant.distribution.on",
        ),
        (
            with(
                json!({"targetingRules": null, "targetings": [{"type": "rollout_date", "name": "later", "rule": "true",
                "start": {"variant": "off", "percentage": 100, "date": "2026-02-01T00:00:00Z"},
                "end": {"variant": "on", "percentage": 100, "date": "2026-01-01T00:00:00Z"}}]}),
            ),
            "targetings[0].end.date",
        ),
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
    let (status, problem) = app
        .send(Method::PUT, "/api/feature-flags/dark-mode", &acme.token, Some(with(json!({"type": "string"}))))
        .await?;
    assert_eq!(status, 422, "changing the type revalidates the variants: {problem}");
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/feature-flags/dark-mode",
            &acme.token,
            Some(with(json!({"variants": [{"name": "on", "value": true}]}))),
        )
        .await?;
    assert_eq!(status, 422, "the default variant `off` would be gone");
    let (status, _) =
        app.send(Method::PUT, "/api/feature-flags/dark-mode", &acme.token, Some(json!({"enabled": false}))).await?;
    assert_eq!(status, 422, "a replacement names the flag, its type, variants and default");
    assert_eq!(app.outbox().await?.len(), 1, "only the valid creation wrote an event");
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_flags() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/feature-flags", &acme.token, Some(dark_mode())).await?;
    for (method, body) in [(Method::GET, None), (Method::PUT, Some(dark_mode())), (Method::DELETE, None)] {
        assert_eq!(app.send(method, "/api/feature-flags/dark-mode", &umbrella.token, body).await?.0, 404);
    }
    assert_eq!(app.send(Method::GET, "/api/feature-flags", &umbrella.token, None).await?.1["total"], 0);
    let manifest = app.send(Method::GET, "/api/openfeature/v0/manifest", &umbrella.token, None).await?;
    assert_eq!(manifest, (200, json!({"flags": []})));
    Ok(())
}

#[tokio::test]
async fn kaitens_form_round_trips_and_the_manifest_lists_every_flag() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let schedule = json!({"type": "rollout_date",
        "start": {"variant": "old", "percentage": 100, "date": "2026-01-01T00:00:00Z"},
        "end": {"variant": "new", "percentage": 100, "date": "2026-03-01T00:00:00Z"}});
    let checkout = json!({"name": "Checkout", "type": "string", "event_name": "checkout_seen", "metadata": {"team": "pay"},
        "variants": [{"name": "old", "value": "v1", "description": "today"}, {"name": "new", "value": "v2"}],
        "default_variant": schedule,
        "targetings": [{"type": "basic", "name": "staff", "rule": "user.email.endsWith('@acme.example')", "variant": "new"},
                       {"type": "rollout_percentage", "name": "eu", "rule": "region == 'eu'", "distribution": {"new": 10, "old": 90}}]});
    let (status, created) = app.send(Method::POST, "/api/feature-flags", &acme.token, Some(checkout.clone())).await?;
    assert_eq!(status, 201, "{created}");
    for field in ["default_variant", "targetings", "event_name", "metadata"] {
        assert_eq!(created[field], checkout[field], "{field}");
    }
    assert_eq!((&created["defaultVariant"], &created["enabled"]), (&Value::Null, &json!(true)));
    assert_eq!(created["variants"][1]["description"], "");
    assert_eq!(
        created["targetingRules"],
        json!([{"name": "staff", "rule": "user.email.endsWith('@acme.example')", "variant": "new"}])
    );
    assert_eq!(app.send(Method::POST, "/api/feature-flags", &acme.token, Some(dark_mode())).await?.0, 201);

    let (status, manifest) = app.send(Method::GET, "/api/openfeature/v0/manifest", &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_eq!(
        manifest["flags"],
        json!([{"key": "dark-mode", "type": "boolean", "defaultValue": false, "name": "Dark Mode", "description": null},
               {"key": "checkout", "type": "string", "defaultValue": "v1", "name": "Checkout", "description": null}])
    );
    let (status, _) = app.send(Method::GET, "/api/openfeature/v0/manifest", "ksh_not-a-token", None).await?;
    assert_eq!(status, 401);
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "Billing"}))).await?;
    let body = json!({"name": "customers only", "scopes": ["read:customers"]});
    let (_, token) = app.send(Method::POST, "/api/service-accounts/billing/tokens", &acme.token, Some(body)).await?;
    let customers_only = token["token"].as_str().unwrap_or_default();
    let (status, _) = app.send(Method::GET, "/api/openfeature/v0/manifest", customers_only, None).await?;
    assert_eq!(status, 403, "the manifest needs read:feature_flags");
    Ok(())
}
