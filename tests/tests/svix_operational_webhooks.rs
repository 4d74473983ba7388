//! `POST /api/svix/operational-webhooks`: absent unless `SVIX_OPERATIONAL_WEBHOOK_SECRET` is set;
//! then only a report signed with that secret is read, and Svix's `endpoint.disabled` becomes one
//! `WEBHOOK_ENDPOINT_DISABLED` in the outbox however often it is sent. The Svix API is a local
//! stand-in answering the endpoint the report names.

mod support;

use axum::Json;
use axum::routing::get;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::TestApp;

const ROUTE: &str = "/api/svix/operational-webhooks";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Serves `GET /api/v1/app/{app}/endpoint/{id}` for any endpoint: its base URL.
async fn svix_stand_in() -> anyhow::Result<String> {
    let endpoint = |axum::extract::Path((_, id)): axum::extract::Path<(String, String)>| async move {
        Json(json!({"id": id, "url": format!("https://hooks.example.com/{id}"), "description": "", "disabled": true,
            "metadata": {}, "createdAt": "2026-12-01T12:00:00Z", "updatedAt": "2026-12-01T12:00:00Z"}))
    };
    let router = axum::Router::new().route("/api/v1/app/{app}/endpoint/{id}", get(endpoint));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}

async fn post(app: &TestApp, secret: &str, id: &str, body: &Value) -> anyhow::Result<(StatusCode, Value)> {
    let body = body.to_string();
    let timestamp = kaiten_domain::clock::now().timestamp();
    let signature = svix::webhooks::Webhook::new(secret)?.sign(id, timestamp, body.as_bytes())?;
    let response = app
        .client
        .post(format!("{}{ROUTE}", app.base_url))
        .header("svix-id", id)
        .header("svix-timestamp", timestamp.to_string())
        .header("svix-signature", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? }))
}

#[tokio::test]
async fn without_the_secret_the_route_is_not_there() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let report = json!({"type": "endpoint.disabled", "data": {"endpointId": "ep_1"}});
    let (status, problem) = post(&app, SECRET, "msg_1", &report).await?;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    assert!(document["paths"].get(ROUTE).is_none(), "not documented either");
    Ok(())
}

#[tokio::test]
async fn a_signed_report_becomes_one_operational_event_and_a_forged_one_is_refused() -> anyhow::Result<()> {
    let svix = svix_stand_in().await?;
    let app = TestApp::spawn_configured("api", None, |config| {
        config.svix_api_key = Some("testsk_reports".into());
        config.svix_server_url = Some(svix);
        config.svix_operational_webhook_secret = Some(SECRET.into());
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let report = json!({"type": "endpoint.disabled", "data": {"appId": "app_1", "appUid": acme.id,
        "endpointId": "ep_down", "endpointUid": null, "failSince": "2026-12-01T10:00:00Z"}});

    let forged = post(&app, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_report", &report).await?;
    assert_eq!((forged.0, forged.1["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_signature")));
    let disabled = |rows: &[support::OutboxRow]| {
        rows.iter().filter(|row| row.event_name == "WEBHOOK_ENDPOINT_DISABLED").cloned().collect::<Vec<_>>()
    };
    assert!(disabled(&app.outbox().await?).is_empty(), "nothing written for a forged report");

    for _ in 0..2 {
        let (status, _) = post(&app, SECRET, "msg_report", &report).await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let rows = disabled(&app.outbox().await?);
    assert_eq!(rows.len(), 1, "a report sent twice is written once");
    assert_eq!(rows[0].organization_id, acme.id);
    assert_eq!(rows[0].data["endpointId"], "ep_down");
    assert_eq!(rows[0].data["url"], "https://hooks.example.com/ep_down");
    assert_eq!(rows[0].data["reason"], "failing");

    let ignored = json!({"type": "endpoint.created", "data": {"appUid": acme.id, "endpointId": "ep_new"}});
    assert_eq!(post(&app, SECRET, "msg_other", &ignored).await?.0, StatusCode::NO_CONTENT);
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    assert!(document["paths"].get(ROUTE).is_some(), "documented when it is there");
    Ok(())
}
