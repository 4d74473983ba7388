//! Recovery without code on the built-in engine, end to end against a real receiver: `recover` sends
//! again the messages whose delivery failed, `replay` the ones an endpoint created later never had;
//! asking twice never sends a message twice; the task shows the progress; other organizations and
//! readers cannot use either.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use support::receiver::Receiver;
use support::{Tenant, TestApp};

const DEADLINE: Duration = Duration::from_secs(30);

async fn post(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
    app.send(Method::POST, path, &tenant.token, Some(body)).await
}

async fn endpoint(app: &TestApp, tenant: &Tenant, url: String) -> anyhow::Result<String> {
    let (status, created) =
        post(app, tenant, "/api/webhooks", json!({"url": url, "eventNames": ["CUSTOMER_CREATION"]})).await?;
    anyhow::ensure!(status == 201, "{created}");
    Ok(created["id"].as_str().unwrap_or_default().to_owned())
}

fn an_hour_ago() -> String {
    (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339()
}

fn webhook_ids(receiver: &Receiver, path: &str) -> Vec<String> {
    receiver.requests(path).iter().map(|request| request.header("webhook-id")).collect()
}

async fn arrived(receiver: &Receiver, path: &str, count: usize) -> anyhow::Result<()> {
    wait_for(DEADLINE, || async { Ok((receiver.requests(path).len() >= count).then_some(())) }).await
}

#[tokio::test]
async fn recovering_resends_each_failed_message_once_and_shows_its_progress() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    // Two messages, four attempts each (the first and three retries): every one fails; then 200.
    receiver.script("down", &[500, 500, 500, 500, 500, 500, 500, 500, 200]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let id = endpoint(&app, &acme, receiver.url("down")).await?;
    for name in ["Globex", "Initech"] {
        post(&app, &acme, "/api/customers", json!({"name": name})).await?;
    }
    let history = format!("/api/webhooks/history?endpointId={id}&status=fail");
    wait_for(DEADLINE, || async {
        let (_, page) = app.send(Method::GET, &history, &acme.token, None).await?;
        Ok((page["total"].as_i64() == Some(8)).then_some(()))
    })
    .await?;
    let failed: BTreeSet<String> = webhook_ids(&receiver, "down").into_iter().collect();
    assert_eq!(failed.len(), 2);

    let recover = format!("/api/webhooks/{id}/recover");
    let (status, task) = post(&app, &acme, &recover, json!({"since": an_hour_ago()})).await?;
    assert_eq!(status, 202, "{task}");
    assert_eq!(
        (task["kind"].as_str(), task["queued"].as_i64(), task["more"].as_bool()),
        (Some("recover"), Some(2), Some(false))
    );
    let (status, again) = post(&app, &acme, &recover, json!({"since": an_hour_ago()})).await?;
    assert_eq!((status, again["queued"].as_i64()), (202, Some(0)), "a message already on its way is not taken twice");

    let task_path = format!("/api/webhooks/recoveries/{}", task["id"].as_str().unwrap_or_default());
    let finished = wait_for(DEADLINE, || async {
        let (_, task) = app.send(Method::GET, &task_path, &acme.token, None).await?;
        Ok((task["status"] == "finished").then_some(task))
    })
    .await?;
    assert_eq!(
        (finished["succeeded"].as_i64(), finished["failed"].as_i64(), finished["pending"].as_i64()),
        (Some(2), Some(0), Some(0))
    );
    let received = webhook_ids(&receiver, "down");
    assert_eq!(received.len(), 10, "each failed message sent once more, and only once");
    let resent: BTreeSet<String> = received[8..].iter().cloned().collect();
    assert_eq!(resent, failed, "the same messages, with their webhook-ids");

    let (status, _) = post(
        &app,
        &acme,
        &recover,
        json!({"since": an_hour_ago(), "until": (chrono::Utc::now() - chrono::Duration::days(20)).to_rfc3339()}),
    )
    .await?;
    assert_eq!(status, 422, "a window that runs backwards");
    let (status, _) =
        post(&app, &acme, &recover, json!({"since": (chrono::Utc::now() - chrono::Duration::days(15)).to_rfc3339()}))
            .await?;
    assert_eq!(status, 422, "more than 14 days");
    Ok(())
}

#[tokio::test]
async fn replaying_delivers_what_an_endpoint_created_later_never_had_once() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let witness = endpoint(&app, &acme, receiver.url("witness")).await?;
    post(&app, &acme, "/api/customers", json!({"name": "Globex"})).await?;
    // Settled: a message whose first attempts are still being made is not replayed yet.
    let history = format!("/api/webhooks/history?endpointId={witness}");
    wait_for(DEADLINE, || async {
        let (_, page) = app.send(Method::GET, &history, &acme.token, None).await?;
        Ok((page["total"].as_i64() == Some(1)).then_some(()))
    })
    .await?;
    let late = endpoint(&app, &acme, receiver.url("late")).await?;

    let replay = format!("/api/webhooks/{late}/replay");
    let (status, task) = post(&app, &acme, &replay, json!({"since": an_hour_ago()})).await?;
    assert_eq!((status, task["kind"].as_str(), task["queued"].as_i64()), (202, Some("replay"), Some(1)), "{task}");
    let (_, again) = post(&app, &acme, &replay, json!({"since": an_hour_ago()})).await?;
    assert_eq!(again["queued"].as_i64(), Some(0), "a replayed message is not replayed again");
    arrived(&receiver, "late", 1).await?;
    let task_path = format!("/api/webhooks/recoveries/{}", task["id"].as_str().unwrap_or_default());
    wait_for(DEADLINE, || async {
        let (_, task) = app.send(Method::GET, &task_path, &acme.token, None).await?;
        Ok((task["status"] == "finished" && task["succeeded"] == 1).then_some(()))
    })
    .await?;
    assert_eq!(webhook_ids(&receiver, "late"), webhook_ids(&receiver, "witness"), "the same message, once");
    Ok(())
}

#[tokio::test]
async fn only_the_endpoints_organization_and_writers_recover_and_see_recoveries() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let other = app.tenant("Other").await?;
    let id = endpoint(&app, &acme, "https://hooks.example.com/acme".into()).await?;
    let (status, task) =
        post(&app, &acme, &format!("/api/webhooks/{id}/recover"), json!({"since": an_hour_ago()})).await?;
    assert_eq!((status, task["queued"].as_i64()), (202, Some(0)));
    let task_path = format!("/api/webhooks/recoveries/{}", task["id"].as_str().unwrap_or_default());

    let (status, _) =
        post(&app, &other, &format!("/api/webhooks/{id}/replay"), json!({"since": an_hour_ago()})).await?;
    assert_eq!(status, 404, "another organization's endpoint is not there");
    let (status, _) = app.send(Method::GET, &task_path, &other.token, None).await?;
    assert_eq!(status, 404, "nor its recoveries");
    post(&app, &acme, "/api/service-accounts", json!({"name": "Auditor"})).await?;
    let body = json!({"name": "read only", "scopes": ["read:webhooks"]});
    let (_, reader) = post(&app, &acme, "/api/service-accounts/auditor/tokens", body).await?;
    let reader = reader["token"].as_str().unwrap_or_default().to_owned();
    let (status, _) = app
        .send(Method::POST, &format!("/api/webhooks/{id}/recover"), &reader, Some(json!({"since": an_hour_ago()})))
        .await?;
    assert_eq!(status, 403, "reading webhooks does not allow sending them again");
    let (status, _) = app.send(Method::GET, &task_path, &reader, None).await?;
    assert_eq!(status, 200, "but shows the progress");

    let (status, _) =
        app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(json!({"disabled": true}))).await?;
    assert_eq!(status, 200);
    let (status, problem) =
        post(&app, &acme, &format!("/api/webhooks/{id}/recover"), json!({"since": an_hour_ago()})).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("endpoint_disabled")));
    Ok(())
}
