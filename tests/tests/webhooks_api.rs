//! The webhook endpoint API on the built-in backend: CRUD, masking, validation of event names and
//! of URLs (every forbidden address class), secret rotation and tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

#[tokio::test]
async fn endpoints_can_be_created_read_listed_updated_and_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    // Either spelling of a name subscribes: the first catalog's or Kaiten's current one.
    let body = json!({"url": "https://hooks.example.com/kaiten", "eventNames": ["CUSTOMER_CREATION", "CUSTOMER_CREATED"],
                      "eventTypes": ["com.kaiten.release.v1.created"], "description": "CRM sync"});
    let response = app.request(Method::POST, "/api/webhooks", &acme.token).json(&body).send().await?;
    assert_eq!(response.status(), 201);
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let created: Value = response.json().await?;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(location, Some(format!("/api/webhooks/{id}")));
    assert_eq!(created["eventNames"], json!(["CUSTOMER_CREATION", "RELEASE_CREATION"]));
    assert_eq!(created["eventTypes"], json!(["com.kaiten.customer.v1.created", "com.kaiten.release.v1.created"]));
    assert_eq!(created["disabled"], false);
    let secret = created["signingSecret"].as_str().unwrap_or_default().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 20, "{secret}");

    // The secret is shown at creation and by /secret (write:webhooks) only; reads mask it.
    let (status, fetched) = app.send(Method::GET, &format!("/api/webhooks/{id}"), &acme.token, None).await?;
    let mut expected = created.clone();
    expected["signingSecret"] = json!(format!("whsec_****{}", &secret[secret.len() - 4..]));
    assert_eq!((status, &fetched), (200, &expected));
    let (status, plain) = app.send(Method::GET, &format!("/api/webhooks/{id}/secret"), &acme.token, None).await?;
    assert_eq!((status, &plain), (200, &json!({"signingSecret": secret})));
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "Auditor"}))).await?;
    let body = json!({"name": "read only", "scopes": ["read:webhooks"]});
    let (_, reader) = app.send(Method::POST, "/api/service-accounts/auditor/tokens", &acme.token, Some(body)).await?;
    let reader = reader["token"].as_str().unwrap_or_default().to_owned();
    let (status, problem) = app.send(Method::GET, &format!("/api/webhooks/{id}/secret"), &reader, None).await?;
    assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));
    let (status, seen) = app.send(Method::GET, &format!("/api/webhooks/{id}"), &reader, None).await?;
    assert_eq!((status, &seen), (200, &expected), "a reader sees the masked secret");
    let (status, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    assert_eq!((status, listed["total"].as_i64()), (200, Some(1)));
    let masked = listed["items"][0]["signingSecret"].as_str().unwrap_or_default();
    assert!(masked.starts_with("whsec_****") && !masked.contains(&secret[6..16]), "{masked}");

    let changes = json!({"eventNames": [], "disabled": true, "description": "paused"});
    let (status, updated) = app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(changes)).await?;
    assert_eq!(status, 200);
    assert_eq!(updated["eventNames"], json!([]), "an empty list subscribes to every event");
    assert_eq!((updated["disabled"].clone(), updated["description"].clone()), (json!(true), json!("paused")));
    assert_eq!(updated["url"], created["url"], "omitted fields keep their value");

    let (status, rotated) =
        app.send(Method::POST, &format!("/api/webhooks/{id}/rotate-secret"), &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_ne!(rotated["signingSecret"], created["signingSecret"]);

    let (status, _) = app.send(Method::DELETE, &format!("/api/webhooks/{id}"), &acme.token, None).await?;
    assert_eq!(status, 204);
    let (status, problem) = app.send(Method::GET, &format!("/api/webhooks/{id}"), &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));
    Ok(())
}

#[tokio::test]
async fn unknown_events_and_forbidden_urls_are_refused_with_the_reason() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, problem) = app
        .send(
            Method::POST,
            "/api/webhooks",
            &acme.token,
            Some(json!({"url": "https://hooks.example.com", "eventNames": ["CUSTOMER_CREATION", "CUSTOMER_EXPLODED"]})),
        )
        .await?;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["location"], "body.eventNames[1]");

    let forbidden = [
        ("http://hooks.example.com/", "https"),
        ("https://127.0.0.1/", "loopback"),
        ("https://[::1]/", "loopback"),
        ("https://localhost/", "loopback"),
        ("https://10.0.0.5/", "private"),
        ("https://172.20.1.1/", "private"),
        ("https://192.168.10.10/", "private"),
        ("https://[fd00::5]/", "private"),
        ("https://169.254.1.1/", "link-local"),
        ("https://[fe80::1]/", "link-local"),
        ("https://100.72.0.1/", "carrier-grade"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
    ];
    for (url, reason) in forbidden {
        let (status, problem) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": url}))).await?;
        assert_eq!(status, 422, "{url}");
        let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{url}: {message}");
    }
    let (_, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    assert_eq!(listed["total"], 0, "nothing refused was stored");
    Ok(())
}

#[tokio::test]
async fn another_organization_cannot_see_or_touch_an_endpoint() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let (acme, globex) = (app.tenant("Acme").await?, app.tenant("Globex").await?);
    let (_, created) =
        app.send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": "https://hooks.example.com"}))).await?;
    let path = format!("/api/webhooks/{}", created["id"].as_str().unwrap_or_default());
    let (_, listed) = app.send(Method::GET, "/api/webhooks", &globex.token, None).await?;
    assert_eq!(listed["total"], 0);
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::PUT, "", Some(json!({"disabled": true}))),
        (Method::POST, "/rotate-secret", None),
        (Method::GET, "/secret", None),
        (Method::DELETE, "", None),
    ] {
        let (status, _) = app.send(method.clone(), &format!("{path}{suffix}"), &globex.token, body).await?;
        assert_eq!(status, 404, "{method} {suffix}");
    }
    let (status, still) = app.send(Method::GET, &format!("{path}/secret"), &acme.token, None).await?;
    assert_eq!((status, &still["signingSecret"]), (200, &created["signingSecret"]));
    let (status, still) = app.send(Method::GET, &path, &acme.token, None).await?;
    assert_eq!((status, &still["disabled"]), (200, &json!(false)));
    Ok(())
}

#[tokio::test]
async fn history_filters_are_validated() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, empty) = app.send(Method::GET, "/api/webhooks/history?status=fail&limit=5", &acme.token, None).await?;
    assert_eq!((status, empty), (200, json!({"items": [], "hasMore": false, "total": 0})));
    for query in ["eventName=NOPE", "status=lost", "before=yesterday", "limit=0"] {
        let (status, problem) =
            app.send(Method::GET, &format!("/api/webhooks/history?{query}"), &acme.token, None).await?;
        assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")), "{query}");
    }
    let (status, _) = app.send(Method::GET, "/api/webhooks/messages/not-a-uuid", &acme.token, None).await?;
    assert_eq!(status, 404);
    Ok(())
}
