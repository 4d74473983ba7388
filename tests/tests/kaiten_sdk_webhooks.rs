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

/// Every event of the catalog but the feature flags' (not in Kaiten's format yet), in one scenario.
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
    let expected = 24;
    let requests = wait_for(DEADLINE, || async {
        Ok(Some(receiver.requests("current")).filter(|requests| requests.len() >= expected))
    })
    .await?;
    let deliveries: Vec<_> = requests.into_iter().map(|request| (secrets[0].clone(), request)).collect();
    let verdicts = sdk_verdicts(&deliveries).await?;
    let failures: Vec<&Value> = verdicts.iter().filter(|v| v["ok"] != true).collect();
    assert!(failures.is_empty(), "deliveries the SDK cannot parse: {failures:?}");
    let mut names: Vec<&str> = verdicts.iter().filter_map(|v| v["name"].as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut wanted: Vec<&str> = kaiten_domain::EventKind::all()
        .filter(|kind| kind.domain() != kaiten_domain::EventDomain::FeatureFlag)
        .map(|kind| kind.current_name())
        .collect();
    wanted.sort_unstable();
    assert_eq!(names, wanted, "every event but the feature flags', each parsed");
    let other = wait_for(DEADLINE, || async { Ok(receiver.requests("classic").first().cloned()) }).await?;
    assert_eq!(other.json()["name"], "CUSTOMER_CREATION", "the default stays the first catalog's names");
    Ok(())
}
