//! Kaiten's SDK receiver (`kaitencloud.webhooks`, installed by `scripts/sdk.sh`) on what this system
//! delivers: with the organization on Kaiten's current event names, every delivery verifies and parses
//! into the SDK's typed event.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::receiver::Receiver;
use support::sdk::sdk_verdicts;
use support::{Tenant, TestApp};

const DEADLINE: Duration = Duration::from_secs(30);

async fn call(
    app: &TestApp,
    tenant: &Tenant,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let (status, answer) = app.send(method.clone(), path, &tenant.token, body).await?;
    anyhow::ensure!((200..300).contains(&status), "{method} {path}: {status} {answer}");
    Ok(answer)
}

/// How many deliveries [`every_event`] makes: 27 kinds, three of them (release, zone and flag
/// creation) twice.
const EVERY_EVENT_DELIVERIES: usize = 30;

/// Every event of the catalog in one scenario.
async fn every_event(app: &TestApp, acme: &Tenant) -> anyhow::Result<()> {
    call(app, acme, Method::POST, "/api/customers", Some(json!({"name": "Globex"}))).await?;
    call(app, acme, Method::PUT, "/api/customers/globex", Some(json!({"name": "Globex Inc"}))).await?;
    call(app, acme, Method::POST, "/api/entitlements", Some(json!({"name": "Seats", "type": "NUMBER"}))).await?;
    call(app, acme, Method::PUT, "/api/entitlements/seats", Some(json!({"name": "Licensed seats"}))).await?;
    call(app, acme, Method::POST, "/api/licenses", Some(json!({"name": "Pro", "type": "PAID"}))).await?;
    call(app, acme, Method::PUT, "/api/licenses/pro", Some(json!({"name": "Pro", "type": "PAID", "description": "x"})))
        .await?;
    let grant = json!({"entitlementSlug": "seats", "value": {"type": "number", "value": 10}});
    call(app, acme, Method::POST, "/api/licenses/pro/entitlements", Some(grant)).await?;
    let regrant = json!({"value": {"type": "number", "value": 20}});
    call(app, acme, Method::PUT, "/api/licenses/pro/entitlements/seats", Some(regrant)).await?;
    let release = call(app, acme, Method::POST, "/api/releases", Some(json!({"version": "1.0.0"}))).await?;
    let zone = json!({"name": "EU", "type": "production", "releaseId": release["id"]});
    call(app, acme, Method::POST, "/api/deployment-zones", Some(zone)).await?;
    call(app, acme, Method::PUT, "/api/deployment-zones/eu", Some(json!({"name": "EU West"}))).await?;
    call(app, acme, Method::POST, "/api/deployment-zones", Some(json!({"name": "US"}))).await?;
    let instance = json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro", "deploymentZoneSlug": "eu"});
    call(app, acme, Method::POST, "/api/instances", Some(instance)).await?;
    call(app, acme, Method::PUT, "/api/instances/prod", Some(json!({"name": "Prod", "deploymentZoneSlug": "us"})))
        .await?;
    call(app, acme, Method::POST, "/api/instances/prod/entitlements/seats/usage", Some(json!({"value": 20}))).await?;
    call(app, acme, Method::DELETE, "/api/instances/prod", None).await?;
    call(app, acme, Method::DELETE, "/api/licenses/pro/entitlements/seats", None).await?;
    call(app, acme, Method::DELETE, "/api/deployment-zones/us", None).await?;
    call(app, acme, Method::DELETE, "/api/customers/globex", None).await?;
    call(app, acme, Method::DELETE, "/api/entitlements/seats", None).await?;
    call(app, acme, Method::DELETE, "/api/licenses/pro", None).await?;
    call(app, acme, Method::POST, "/api/releases", Some(json!({"version": "2.0.0"}))).await?;
    call(app, acme, Method::DELETE, "/api/releases/2-0-0", None).await?;
    let variants = json!([{"name": "on", "value": true}, {"name": "off", "value": false}]);
    let flag = json!({"name": "Dark", "type": "boolean", "variants": variants, "defaultVariant": "off",
        "targetingRules": [{"name": "beta", "rule": {"plan": "beta"}, "variant": "on"}]});
    call(app, acme, Method::POST, "/api/feature-flags", Some(flag)).await?;
    let split = json!({"name": "Dark", "type": "boolean", "variants": variants, "event_name": "dark_seen",
        "default_variant": {"type": "rollout_percentage", "distribution": {"on": 1, "off": 9}},
        "targetings": [{"type": "rollout_date", "name": "launch", "rule": "true",
            "start": {"variant": "off", "percentage": 100, "date": "2026-01-01T00:00:00Z"},
            "end": {"variant": "on", "percentage": 100, "date": "2026-02-01T00:00:00Z"}}]});
    call(app, acme, Method::PUT, "/api/feature-flags/dark", Some(split.clone())).await?;
    let mut rollout = split;
    rollout["name"] = json!("Rollout");
    call(app, acme, Method::POST, "/api/feature-flags", Some(rollout)).await?;
    call(app, acme, Method::DELETE, "/api/feature-flags/dark", None).await?;
    Ok(())
}

#[tokio::test]
async fn every_delivery_with_the_current_names_parses_into_its_sdk_event() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let classic = app.tenant("Classic").await?;
    let mut secrets = Vec::new();
    for (tenant, path) in [(&acme, "current"), (&classic, "classic")] {
        let org = call(&app, tenant, Method::GET, "/api/organization", None).await?;
        assert_eq!(org["webhookEventNames"], "classic", "the default");
        let endpoint =
            call(&app, tenant, Method::POST, "/api/webhooks", Some(json!({"url": receiver.url(path)}))).await?;
        secrets.push(endpoint["signingSecret"].as_str().unwrap_or_default().to_owned());
    }
    let settings = json!({"webhookEventNames": "current"});
    let org = call(&app, &acme, Method::PUT, "/api/organization", Some(settings)).await?;
    assert_eq!(org["webhookEventNames"], "current");
    let (status, _) =
        app.send(Method::PUT, "/api/organization", &acme.token, Some(json!({"webhookEventNames": "x"}))).await?;
    assert_eq!(status, 422);

    every_event(&app, &acme).await?;
    call(&app, &classic, Method::POST, "/api/customers", Some(json!({"name": "Initech"}))).await?;
    let requests = wait_for(DEADLINE, || async {
        Ok(Some(receiver.requests("current")).filter(|requests| requests.len() >= EVERY_EVENT_DELIVERIES))
    })
    .await?;
    let deliveries: Vec<_> = requests.into_iter().map(|request| (secrets[0].clone(), request)).collect();
    let verdicts = sdk_verdicts(&deliveries).await?;
    let failures: Vec<&Value> = verdicts.iter().filter(|v| v["ok"] != true).collect();
    assert!(failures.is_empty(), "deliveries the SDK cannot parse: {failures:?}");
    let mut names: Vec<&str> = verdicts.iter().filter_map(|v| v["name"].as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut wanted: Vec<&str> = kaiten_domain::EventKind::domain_events().map(|kind| kind.current_name()).collect();
    wanted.sort_unstable();
    assert_eq!(names, wanted, "every event, each parsed");
    let other = wait_for(DEADLINE, || async { Ok(receiver.requests("classic").first().cloned()) }).await?;
    assert_eq!(other.json()["name"], "CUSTOMER_CREATION", "the default stays the first catalog's names");
    Ok(())
}

/// The Svix backend: what it hands to Svix, signed as Svix signs a delivery, verifies and parses in the
/// SDK's receiver too (Svix delivers the message's payload as it is).
#[tokio::test]
async fn with_svix_every_message_with_the_current_names_parses_into_its_sdk_event() -> anyhow::Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    let svix = Arc::new(support::svix::Svix::default());
    svix.up.store(true, Ordering::SeqCst);
    let url = support::svix::start(svix.clone()).await?;
    let app = TestApp::spawn_configured("api,relay,worker", None, |config| {
        config.svix_api_key = Some("testsk_sdk".into());
        config.svix_server_url = Some(url);
    })
    .await?;
    let acme = app.tenant("Acme").await?;
    let settings = json!({"webhookEventNames": "current"});
    call(&app, &acme, Method::PUT, "/api/organization", Some(settings)).await?;
    every_event(&app, &acme).await?;
    let messages = wait_for(DEADLINE, || async {
        let messages = svix.messages.lock().map(|m| m.clone()).unwrap_or_default();
        Ok((messages.len() >= EVERY_EVENT_DELIVERIES).then_some(messages))
    })
    .await?;
    // Signed as svix-server signs what it delivers (Standard Webhooks).
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let signer = svix::webhooks::Webhook::new(secret)?;
    let mut deliveries = Vec::new();
    for (n, message) in messages.iter().enumerate() {
        let body = serde_json::to_vec(&message["payload"])?;
        let id = format!("msg_{n}");
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signer.sign(&id, timestamp, &body)?;
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("webhook-id", id.parse()?);
        headers.insert("webhook-timestamp", timestamp.to_string().parse()?);
        headers.insert("webhook-signature", signature.parse()?);
        let at = std::time::Instant::now();
        let request =
            support::receiver::ReceivedRequest { path: "svix".into(), headers, body: body.into(), at, status: 202 };
        deliveries.push((secret.to_owned(), request));
    }
    let verdicts = sdk_verdicts(&deliveries).await?;
    let failures: Vec<&Value> = verdicts.iter().filter(|v| v["ok"] != true).collect();
    assert!(failures.is_empty(), "messages the SDK cannot parse: {failures:?}");
    let mut names: Vec<&str> = verdicts.iter().filter_map(|v| v["name"].as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 27, "every event: {names:?}");
    Ok(())
}
