//! Custom headers per endpoint, end to end on the built-in engine: they arrive at the receiver next to
//! a signature that still verifies, secret values are never shown again, an update may keep a stored
//! value by leaving it out, and reserved names are refused with nothing written.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::receiver::{ReceivedRequest, Receiver};
use support::{Tenant, TestApp};

const DEADLINE: Duration = Duration::from_secs(30);

async fn nth_request(receiver: &Receiver, path: &str, count: usize) -> anyhow::Result<ReceivedRequest> {
    wait_for(DEADLINE, || async { Ok(receiver.requests(path).into_iter().nth(count - 1)) }).await
}

async fn create_customer(app: &TestApp, tenant: &Tenant, name: &str) -> anyhow::Result<()> {
    let (status, body) = app.send(Method::POST, "/api/customers", &tenant.token, Some(json!({"name": name}))).await?;
    anyhow::ensure!(status == 201, "customer: {status} {body}");
    Ok(())
}

fn header_view<'a>(endpoint: &'a Value, name: &str) -> &'a Value {
    endpoint["headers"].as_array().and_then(|all| all.iter().find(|h| h["name"] == name)).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn custom_headers_arrive_with_a_valid_signature_and_secret_values_stay_hidden() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let headers = json!([
        {"name": "X-Tenant", "value": "acme", "secret": false},
        {"name": "Authorization", "value": "Bearer gateway-key"},
    ]);
    let body = json!({"url": receiver.url("gated"), "eventNames": ["CUSTOMER_CREATION"], "headers": headers});
    let (status, created) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    assert_eq!(status, 201, "{created}");
    assert_eq!(header_view(&created, "X-Tenant"), &json!({"name": "X-Tenant", "value": "acme", "secret": false}));
    assert_eq!(
        header_view(&created, "Authorization"),
        &json!({"name": "Authorization", "value": null, "secret": true})
    );
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let secret = created["signingSecret"].as_str().unwrap_or_default().to_owned();
    let (_, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    assert!(!listed.to_string().contains("gateway-key"), "a secret value is listed: {listed}");

    create_customer(&app, &acme, "Globex").await?;
    let first = nth_request(&receiver, "gated", 1).await?;
    assert_eq!(first.header("x-tenant"), "acme");
    assert_eq!(first.header("authorization"), "Bearer gateway-key");
    let verified = svix::webhooks::Webhook::new(&secret)?.verify(&first.body, &first.headers);
    assert!(verified.is_ok(), "{verified:?}");

    // Keep the credential by naming it without a value; drop X-Tenant; add X-Region.
    let changes = json!({"headers": [{"name": "authorization"}, {"name": "X-Region", "value": "eu", "secret": false}]});
    let (status, updated) = app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(changes)).await?;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["headers"].as_array().map(Vec::len), Some(2), "{updated}");
    create_customer(&app, &acme, "Initech").await?;
    let second = nth_request(&receiver, "gated", 2).await?;
    assert_eq!(second.header("authorization"), "Bearer gateway-key");
    assert_eq!(second.header("x-region"), "eu");
    assert_eq!(second.header("x-tenant"), "", "a removed header is still sent");

    let unknown = json!({"headers": [{"name": "X-Never-Set"}]});
    let (status, problem) = app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(unknown)).await?;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["location"], "header_without_value", "{problem}");
    Ok(())
}

#[tokio::test]
async fn reserved_or_too_many_headers_are_refused_and_nothing_is_written() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let many: Vec<Value> = (0..21).map(|i| json!({"name": format!("X-H{i}"), "value": "v"})).collect();
    let refused = [
        json!([{"name": "Host", "value": "evil.example"}]),
        json!([{"name": "webhook-signature", "value": "v1,forged"}]),
        json!([{"name": "Svix-Id", "value": "msg_x"}]),
        json!([{"name": "Content-Length", "value": "1"}]),
        json!([{"name": "Transfer-Encoding", "value": "chunked"}]),
        json!([{"name": "X-Split", "value": "a\r\nInjected: 1"}]),
        json!([{"name": "X-Api-Key", "value": "k", "secret": false}]),
        json!([{"name": "X-No-Value"}]),
        Value::Array(many),
    ];
    for headers in refused {
        let body = json!({"url": "https://hooks.example.com/x", "headers": headers});
        let (status, problem) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
        assert_eq!(status, 422, "{headers}: {problem}");
        let located = problem["errors"].as_array().is_some_and(|errors| {
            errors.iter().any(|e| e["location"].as_str().is_some_and(|l| l.starts_with("body.headers")))
        });
        assert!(located, "{problem}");
    }
    let (_, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    assert_eq!(listed["total"], 0);
    Ok(())
}
