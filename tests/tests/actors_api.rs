//! Who made a change: every entity carries `createdBy` / `updatedBy`, the service account behind the
//! token of the request that created it and of the last one that changed it, and so do its events.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

/// A new service account `name` of the tenant with a `write:*` token: (its actor, its token).
async fn account_with_token(app: &TestApp, admin: &str, name: &str) -> anyhow::Result<(Value, String)> {
    let (status, account) = app.send(Method::POST, "/api/service-accounts", admin, Some(json!({"name": name}))).await?;
    anyhow::ensure!(status == 201, "{account}");
    let slug = account["slug"].as_str().unwrap_or_default();
    let body = json!({"name": "writer", "scopes": ["write:*"]});
    let path = format!("/api/service-accounts/{slug}/tokens");
    let (status, token) = app.send(Method::POST, &path, admin, Some(body)).await?;
    anyhow::ensure!(status == 201, "{token}");
    let actor = json!({"id": account["id"], "name": name});
    Ok((actor, token["token"].as_str().unwrap_or_default().to_owned()))
}

#[tokio::test]
async fn entities_and_their_events_name_who_created_and_who_last_changed_them() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (alice, alice_token) = account_with_token(&app, &acme.token, "Alice Bot").await?;
    let (bob, bob_token) = account_with_token(&app, &acme.token, "Bob Bot").await?;

    let (status, created) =
        app.send(Method::POST, "/api/customers", &alice_token, Some(json!({"name": "Globex"}))).await?;
    assert_eq!(status, 201);
    assert_eq!((&created["createdBy"], &created["updatedBy"]), (&alice, &alice));
    let (status, updated) =
        app.send(Method::PUT, "/api/customers/globex", &bob_token, Some(json!({"name": "Globex Inc"}))).await?;
    assert_eq!(status, 200, "{updated}");
    assert_eq!((&updated["createdBy"], &updated["updatedBy"]), (&alice, &bob));
    let (_, read) = app.send(Method::GET, "/api/customers/globex", &acme.token, None).await?;
    assert_eq!((&read["createdBy"], &read["updatedBy"]), (&alice, &bob));

    let body = json!({"name": "Seats", "type": "NUMBER", "meterType": "CALCULATED_USAGE"});
    assert_eq!(app.send(Method::POST, "/api/entitlements", &alice_token, Some(body)).await?.0, 201);
    let body = json!({"name": "Pro", "slug": "pro", "type": "PAID", "isActive": true});
    assert_eq!(app.send(Method::POST, "/api/licenses", &alice_token, Some(body)).await?.0, 201);
    let body = json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 10}});
    let (status, grant) = app.send(Method::POST, "/api/licenses/pro/entitlements", &alice_token, Some(body)).await?;
    assert_eq!(status, 201, "{grant}");
    assert_eq!((&grant["entitlementName"], &grant["entitlementType"]), (&json!("Seats"), &json!("NUMBER")));
    let body = json!({"value": {"type": "number", "value": 20}});
    let (_, regranted) = app.send(Method::PUT, "/api/licenses/pro/entitlements/seats", &bob_token, Some(body)).await?;
    assert_eq!((&regranted["createdBy"], &regranted["updatedBy"]), (&alice, &bob));
    assert_eq!(regranted["createdAt"], grant["createdAt"]);
    assert!(regranted["updatedAt"].as_str() > grant["updatedAt"].as_str());

    let events = app.outbox().await?;
    let update = events.iter().find(|e| e.event_name == "CUSTOMER_UPDATE").map(|e| &e.data);
    assert_eq!(update.map(|d| (&d["createdBy"], &d["updatedBy"])), Some((&alice, &bob)));
    Ok(())
}

#[tokio::test]
async fn tokens_name_who_issued_and_who_revoked_them() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (alice, alice_token) = account_with_token(&app, &acme.token, "Alice Bot").await?;
    let body = json!({"name": "temporary", "scopes": ["read:customers"]});
    let path = "/api/service-accounts/alice-bot/tokens";
    let (status, issued) = app.send(Method::POST, path, &alice_token, Some(body)).await?;
    assert_eq!(status, 201, "{issued}");
    let revoke = format!("/api/service-accounts/alice-bot/tokens/{}", issued["slug"].as_str().unwrap_or_default());
    assert_eq!(app.send(Method::DELETE, &revoke, &acme.token, None).await?.0, 204);
    let (_, tokens) = app.send(Method::GET, "/api/service-accounts/alice-bot/tokens", &acme.token, None).await?;
    let temporary = tokens["items"].as_array().into_iter().flatten().find(|t| t["name"] == "temporary").cloned();
    let (_, accounts) = app.send(Method::GET, "/api/service-accounts?limit=200", &acme.token, None).await?;
    let admin = accounts["items"].as_array().into_iter().flatten().find(|a| a["slug"] == "admin").cloned();
    let admin = admin.map(|a| json!({"id": a["id"], "name": a["name"]}));
    assert_eq!(temporary.as_ref().map(|t| &t["createdBy"]), Some(&alice));
    assert_eq!(temporary.as_ref().map(|t| &t["revokedBy"]), admin.as_ref());
    Ok(())
}
