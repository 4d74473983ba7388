//! Deployment zones and deployments through the real router and database: zone events, the
//! RELEASE_DEPLOYMENT transition (never for the release a zone already runs), history, isolation.

mod support;

use reqwest::Method;
use serde_json::json;
use support::TestApp;

#[tokio::test]
async fn zone_crud_emits_the_zone_events_with_the_api_payload() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, created) = app
        .send(
            Method::POST,
            "/api/deployment-zones",
            &acme.token,
            Some(json!({"name": "EU West", "metadata": {"region": "eu-west-1"}})),
        )
        .await?;
    assert_eq!((status, created["type"].as_str(), created["releaseId"].is_null()), (201, Some("shared"), true));
    let (status, updated) = app
        .send(
            Method::PUT,
            "/api/deployment-zones/eu-west",
            &acme.token,
            Some(json!({"name": "EU West", "type": "dedicated", "metadata": null})),
        )
        .await?;
    assert_eq!((status, updated["type"].as_str(), updated["metadata"].is_null()), (200, Some("dedicated"), true));
    assert_eq!(app.send(Method::DELETE, "/api/deployment-zones/eu-west", &acme.token, None).await?.0, 204);
    let outbox = app.outbox().await?;
    let summary: Vec<(&str, &str)> = outbox.iter().map(|r| (r.event_name.as_str(), r.event_type.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("DEPLOYMENT_ZONE_CREATION", "com.kaiten.deployment_zone.v1.created"),
            ("DEPLOYMENT_ZONE_UPDATE", "com.kaiten.deployment_zone.v1.updated"),
            ("DEPLOYMENT_ZONE_DELETION", "com.kaiten.deployment_zone.v1.deleted"),
        ]
    );
    assert_eq!((&outbox[0].data, &outbox[1].data, &outbox[2].data), (&created, &updated, &updated));
    for body in [json!({"name": "X", "type": " "}), json!({"name": "X", "metadata": "eu"}), json!({"name": ""})] {
        assert_eq!(
            app.send(Method::POST, "/api/deployment-zones", &acme.token, Some(body.clone())).await?.0,
            422,
            "{body}"
        );
    }
    assert_eq!(app.outbox().await?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn deploying_emits_release_deployment_only_on_a_real_transition() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/deployment-zones", &acme.token, Some(json!({"name": "EU"}))).await?;
    let (_, first) = app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.1.0"}))).await?;
    let before = app.outbox().await?.len();

    let response = app
        .request(Method::POST, "/api/deployment-zones/eu/deployments", &acme.token)
        .json(&json!({"releaseSlug": "1-0-0"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let deployed: serde_json::Value = response.json().await?;
    assert_eq!((deployed["releaseId"].clone(), deployed["version"].as_str()), (first["id"].clone(), Some("1.0.0")));
    let (_, zone) = app.send(Method::GET, "/api/deployment-zones/eu", &acme.token, None).await?;
    assert_eq!((zone["releaseId"].clone(), zone["releaseSlug"].as_str()), (first["id"].clone(), Some("1-0-0")));

    let (status, problem) = app
        .send(Method::POST, "/api/deployment-zones/eu/deployments", &acme.token, Some(json!({"releaseSlug": "1-0-0"})))
        .await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("already_deployed")));
    let (status, problem) = app
        .send(Method::POST, "/api/deployment-zones/eu/deployments", &acme.token, Some(json!({"releaseSlug": "9-9-9"})))
        .await?;
    assert_eq!((status, problem["errors"][0]["location"].as_str()), (422, Some("releaseSlug")));
    let (status, second) = app
        .send(Method::POST, "/api/deployment-zones/eu/deployments", &acme.token, Some(json!({"releaseSlug": "1-1-0"})))
        .await?;
    assert_eq!(status, 201);

    let outbox = app.outbox().await?;
    let deployments: Vec<_> = outbox[before..].iter().collect();
    assert_eq!(deployments.len(), 2, "one event per real transition, none for the refused requests");
    assert!(
        deployments.iter().all(|r| r.event_name == "RELEASE_DEPLOYMENT"
            && r.event_type == "com.kaiten.deployment_zone.v1.release_deployed")
    );
    assert_eq!((&deployments[0].data, &deployments[1].data), (&deployed, &second));
    let (_, history) = app.send(Method::GET, "/api/deployment-zones/eu/deployments", &acme.token, None).await?;
    let versions: Vec<&str> =
        history["items"].as_array().into_iter().flatten().filter_map(|d| d["version"].as_str()).collect();
    assert_eq!((versions, history["total"].as_i64()), (vec!["1.1.0", "1.0.0"], Some(2)));
    assert_eq!(app.send(Method::DELETE, "/api/releases/1-1-0", &acme.token, None).await?.0, 409, "the zone runs it");
    Ok(())
}

#[tokio::test]
async fn a_zone_with_instances_cannot_be_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, zone) = app.send(Method::POST, "/api/deployment-zones", &acme.token, Some(json!({"name": "EU"}))).await?;
    let (_, customer) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    app.execute_sql(&format!(
        "INSERT INTO license_families (id, organization_id, slug, last_version, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000f', '{org}', 'pro', 1, now());
         INSERT INTO licenses (id, organization_id, name, slug, type, version, family_id, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', '{org}', 'Pro', 'pro', 'PAID', 1,
                 '00000000-0000-0000-0000-00000000000f', now(), now());
         INSERT INTO instances (id, organization_id, name, slug, customer_id, license_id, deployment_zone_id, created_at, updated_at)
         VALUES (gen_random_uuid(), '{org}', 'Prod', 'prod', '{customer}', '00000000-0000-0000-0000-00000000000a', '{zone}', now(), now())",
        org = acme.id,
        customer = customer["id"].as_str().unwrap_or_default(),
        zone = zone["id"].as_str().unwrap_or_default()
    ))
    .await?;
    let (status, problem) = app.send(Method::DELETE, "/api/deployment-zones/eu", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("zone_in_use")));
    // A soft-deleted instance keeps its history but no longer holds the zone.
    app.execute_sql("UPDATE instances SET deleted_at = now()").await?;
    assert_eq!(app.send(Method::DELETE, "/api/deployment-zones/eu", &acme.token, None).await?.0, 204);
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_zones_or_releases() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/deployment-zones", &acme.token, Some(json!({"name": "EU"}))).await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0"}))).await?;
    app.send(Method::POST, "/api/deployment-zones", &umbrella.token, Some(json!({"name": "US"}))).await?;
    for (method, path, body) in [
        (Method::GET, "/api/deployment-zones/eu", None),
        (Method::PUT, "/api/deployment-zones/eu", Some(json!({"name": "x"}))),
        (Method::DELETE, "/api/deployment-zones/eu", None),
        (Method::GET, "/api/deployment-zones/eu/deployments", None),
        (Method::POST, "/api/deployment-zones/eu/deployments", Some(json!({"releaseSlug": "1-0"}))),
    ] {
        assert_eq!(app.send(method.clone(), path, &umbrella.token, body).await?.0, 404, "{method} {path}");
    }
    // Another organization's release does not exist for Umbrella's zone.
    let (status, _) = app
        .send(
            Method::POST,
            "/api/deployment-zones/us/deployments",
            &umbrella.token,
            Some(json!({"releaseSlug": "1-0"})),
        )
        .await?;
    assert_eq!(status, 422);
    assert_eq!(app.send(Method::GET, "/api/deployment-zones", &umbrella.token, None).await?.1["total"], 1);
    Ok(())
}

#[tokio::test]
async fn a_nul_character_postgresql_cannot_store_is_invalid_input_not_a_server_error() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let body = serde_json::json!({"name": "Edge", "metadata": {"note": "a\u{0}b"}});
    let (status, problem) = app.send(reqwest::Method::POST, "/api/deployment-zones", &acme.token, Some(body)).await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")), "{problem}");
    assert!(app.outbox().await?.is_empty(), "nothing was written");
    Ok(())
}

/// Kaiten's way to deploy: a zone created with a `releaseId` runs it from the start, and a PUT with
/// another `releaseId` deploys that one; each is a RELEASE_DEPLOYMENT. Types are free text.
#[tokio::test]
async fn a_release_id_on_create_or_put_is_a_deployment() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, first) = app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    let (_, second) = app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.1.0"}))).await?;
    let body = json!({"name": "EU West", "type": "production", "releaseId": first["id"]});
    let (status, zone) = app.send(Method::POST, "/api/deployment-zones", &acme.token, Some(body)).await?;
    assert_eq!(status, 201, "{zone}");
    assert_eq!(
        (&zone["type"], &zone["releaseId"], &zone["description"]),
        (&json!("production"), &first["id"], &json!(""))
    );

    let body = json!({"name": "EU West", "type": "production", "releaseId": second["id"]});
    let (status, moved) =
        app.send(Method::PUT, "/api/deployment-zones/eu-west", &acme.token, Some(body.clone())).await?;
    assert_eq!((status, &moved["releaseId"], &moved["releaseSlug"]), (200, &second["id"], &json!("1-1-0")));
    let (status, _) = app.send(Method::PUT, "/api/deployment-zones/eu-west", &acme.token, Some(body)).await?;
    assert_eq!(status, 200, "the same release again is no deployment, and no error");
    let body = json!({"name": "EU West", "releaseId": uuid::Uuid::now_v7()});
    let (status, problem) = app.send(Method::PUT, "/api/deployment-zones/eu-west", &acme.token, Some(body)).await?;
    assert_eq!((status, problem["errors"][0]["location"].as_str()), (422, Some("releaseId")));

    let (_, history) = app.send(Method::GET, "/api/deployment-zones/eu-west/deployments", &acme.token, None).await?;
    let versions: Vec<&str> =
        history["items"].as_array().into_iter().flatten().filter_map(|d| d["version"].as_str()).collect();
    assert_eq!(versions, ["1.1.0", "1.0.0"]);
    let names: Vec<String> =
        app.outbox().await?.into_iter().map(|e| e.event_name).filter(|n| !n.starts_with("RELEASE_CREATION")).collect();
    assert_eq!(
        names,
        [
            "DEPLOYMENT_ZONE_CREATION",
            "RELEASE_DEPLOYMENT",
            "RELEASE_DEPLOYMENT",
            "DEPLOYMENT_ZONE_UPDATE",
            "DEPLOYMENT_ZONE_UPDATE"
        ]
    );
    Ok(())
}
