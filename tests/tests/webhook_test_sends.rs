//! Test sends on the built-in engine: the catalog's example of any event reaches the one endpoint
//! asked for (whatever it subscribes to), signed so that the official library verifies it, marked
//! `"test": true` in the body and in the history, and never reaches another endpoint, not even by a
//! replay.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use support::receiver::Receiver;
use support::webhooks::{DEADLINE, endpoint};
use support::{Tenant, TestApp};

async fn send_test(app: &TestApp, tenant: &Tenant, id: &str, event: &str) -> anyhow::Result<(u16, Value)> {
    let path = format!("/api/webhooks/{id}/test");
    app.send(Method::POST, &path, &tenant.token, Some(json!({"eventName": event}))).await
}

#[tokio::test]
async fn a_test_send_delivers_the_example_to_that_endpoint_alone_marked_as_a_test() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (id, secret) = endpoint(&app, &acme, receiver.url("tested"), &["CUSTOMER_CREATION"]).await?;
    let (other, _) = endpoint(&app, &acme, receiver.url("other"), &[]).await?;

    let (status, sent) = send_test(&app, &acme, &id, "LICENSE_CREATION").await?;
    assert_eq!(status, 202, "{sent}");
    let request = wait_for(DEADLINE, || async { Ok(receiver.requests("tested").into_iter().next()) }).await?;
    assert_eq!(request.header("webhook-id"), sent["messageId"].as_str().unwrap_or_default());
    let verified = svix::webhooks::Webhook::new(&secret)?.verify(&request.body, &request.headers);
    assert!(verified.is_ok(), "{verified:?}");
    let body = request.json();
    let (_, catalog) = app.send(Method::GET, "/api/events/catalog", &acme.token, None).await?;
    let example = catalog["items"].as_array().and_then(|items| items.iter().find(|e| e["name"] == "LICENSE_CREATION"));
    assert_eq!((&body["test"], &body["name"]), (&json!(true), &json!("LICENSE_CREATION")), "{body}");
    assert_eq!(Some(&body["data"]), example.map(|event| &event["example"]));

    // The message and the history say it was a test, with the answer the receiver gave.
    let message_path = format!("/api/webhooks/messages/{}", sent["eventId"].as_str().unwrap_or_default());
    let message = wait_for(DEADLINE, || async {
        let (_, message) = app.send(Method::GET, &message_path, &acme.token, None).await?;
        Ok(Some(message).filter(|m| m["attempts"][0]["status"] == "success"))
    })
    .await?;
    assert_eq!((&message["test"], &message["attempts"][0]["responseStatusCode"]), (&json!(true), &json!(200)));
    let (_, history) =
        app.send(Method::GET, &format!("/api/webhooks/history?endpointId={id}"), &acme.token, None).await?;
    assert_eq!((&history["total"], &history["items"][0]["test"]), (&json!(1), &json!(true)), "{history}");

    // Resent to its endpoint only: a resend to every subscriber is refused.
    let resend = format!("{message_path}/resend");
    let (status, problem) = app.send(Method::POST, &resend, &acme.token, Some(json!({}))).await?;
    assert_eq!((status, &problem["code"]), (409, &json!("test_message")), "{problem}");
    let (status, _) = app.send(Method::POST, &resend, &acme.token, Some(json!({"endpointId": id}))).await?;
    assert_eq!(status, 202);
    wait_for(DEADLINE, || async { Ok((receiver.requests("tested").len() == 2).then_some(())) }).await?;

    // Not to the other endpoint, now or by a replay.
    let since = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let replay = format!("/api/webhooks/{other}/replay");
    let (status, task) = app.send(Method::POST, &replay, &acme.token, Some(json!({"since": since}))).await?;
    assert_eq!((status, &task["queued"]), (202, &json!(0)), "{task}");
    assert!(receiver.requests("other").is_empty());
    Ok(())
}

#[tokio::test]
async fn test_sends_are_refused_for_unknown_events_other_organizations_disabled_endpoints_and_beyond_the_rate()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let globex = app.tenant("Globex").await?;
    let (id, _) = endpoint(&app, &acme, "https://hooks.example.com/acme".into(), &[]).await?;

    let (status, problem) = send_test(&app, &acme, &id, "NOT_AN_EVENT").await?;
    assert_eq!((status, &problem["errors"][0]["location"]), (422, &json!("body.eventName")), "{problem}");
    assert_eq!(send_test(&app, &globex, &id, "RELEASE_CREATION").await?.0, 404);
    let service_account = json!({"name": "Auditor"});
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(service_account)).await?;
    let scopes = json!({"name": "read only", "scopes": ["read:webhooks"]});
    let (_, reader) = app.send(Method::POST, "/api/service-accounts/auditor/tokens", &acme.token, Some(scopes)).await?;
    let reader = Tenant { id: acme.id, token: reader["token"].as_str().unwrap_or_default().to_owned() };
    assert_eq!(send_test(&app, &reader, &id, "RELEASE_CREATION").await?.0, 403, "reading does not allow sending");
    let disabled = json!({"disabled": true});
    app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(disabled)).await?;
    assert_eq!(send_test(&app, &acme, &id, "RELEASE_CREATION").await?.0, 409);
    app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(json!({"disabled": false}))).await?;

    // Five a minute per endpoint (the default; the 409 counted), then 429 with Retry-After.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(send_test(&app, &acme, &id, "RELEASE_CREATION").await?.0);
    }
    let path = format!("/api/webhooks/{id}/test");
    let limited = app.request(Method::POST, &path, &acme.token).json(&json!({"eventName": "RELEASE_CREATION"}));
    let limited = limited.send().await?;
    assert_eq!(statuses, [202, 202, 202, 202]);
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    Ok(())
}
