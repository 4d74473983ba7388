//! Releases through the real router and database: immutable, versions unique per organization, a
//! release a zone runs cannot be deleted, tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

#[tokio::test]
async fn create_and_delete_emit_the_release_events() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let response =
        app.request(Method::POST, "/api/releases", &acme.token).json(&json!({"version": "v1.0.0"})).send().await?;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await?;
    assert_eq!(created["slug"], "v1-0-0");
    assert_eq!(app.send(Method::GET, "/api/releases/v1-0-0", &acme.token, None).await?.1, created);
    let (status, problem) = app
        .send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "v1.0.0", "slug": "other"})))
        .await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("version_taken")));
    let put =
        app.request(Method::PUT, "/api/releases/v1-0-0", &acme.token).json(&json!({"version": "v2"})).send().await?;
    assert_eq!(put.status(), 405, "releases are immutable");
    assert_eq!(app.send(Method::DELETE, "/api/releases/v1-0-0", &acme.token, None).await?.0, 204);

    let outbox = app.outbox().await?;
    let summary: Vec<(&str, &str)> = outbox.iter().map(|r| (r.event_name.as_str(), r.event_type.as_str())).collect();
    assert_eq!(
        summary,
        [("RELEASE_CREATION", "com.kaiten.release.v1.created"), ("RELEASE_DELETION", "com.kaiten.release.v1.deleted")]
    );
    assert_eq!((&outbox[0].data, &outbox[1].data), (&created, &created));
    Ok(())
}

#[tokio::test]
async fn a_release_a_zone_runs_cannot_be_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, release) = app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "2.0"}))).await?;
    app.execute_sql(&format!(
        "INSERT INTO deployment_zones (id, organization_id, name, slug, current_release_id, created_at, updated_at)
         VALUES (gen_random_uuid(), '{}', 'EU', 'eu', '{}', now(), now())",
        acme.id,
        release["id"].as_str().unwrap_or_default()
    ))
    .await?;
    let (status, problem) = app.send(Method::DELETE, "/api/releases/2-0", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("release_in_use")));
    assert_eq!(app.outbox().await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_releases() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0"}))).await?;
    assert_eq!(app.send(Method::GET, "/api/releases/1-0", &umbrella.token, None).await?.0, 404);
    assert_eq!(app.send(Method::DELETE, "/api/releases/1-0", &umbrella.token, None).await?.0, 404);
    assert_eq!(app.send(Method::GET, "/api/releases", &umbrella.token, None).await?.1["total"], 0);
    // The same version is free in another organization.
    assert_eq!(app.send(Method::POST, "/api/releases", &umbrella.token, Some(json!({"version": "1.0"}))).await?.0, 201);
    assert_eq!(app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0"}))).await?.0, 409);
    Ok(())
}
