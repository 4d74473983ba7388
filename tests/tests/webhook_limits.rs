//! What one organization can make the webhook engine hold: at most `KAITEN_WEBHOOKS_MAX_ENDPOINTS`
//! endpoints (even when created concurrently), a message's attempts read a page at a time, and a
//! message resent at most `KAITEN_WEBHOOKS_RESENDS_PER_MINUTE` times a minute.

mod support;

use futures::future::join_all;
use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::TestApp;
use support::receiver::Receiver;

#[tokio::test]
async fn an_organization_has_at_most_the_configured_endpoints_even_when_created_at_once() -> anyhow::Result<()> {
    let app = TestApp::spawn_configured("api", None, |config| {
        config.webhooks_allow_private = true;
        config.webhooks_max_endpoints = 3;
    })
    .await?;
    let (acme, globex) = (app.tenant("Acme").await?, app.tenant("Globex").await?);
    let create = |token: String, n: usize| {
        let request = app
            .request(Method::POST, "/api/webhooks", &token)
            .json(&json!({"url": format!("http://127.0.0.1:9/hook-{n}")}));
        async move {
            let response = request.send().await?;
            Ok::<_, anyhow::Error>((response.status().as_u16(), response.json::<Value>().await?))
        }
    };
    let outcomes = join_all((0..8).map(|n| create(acme.token.clone(), n))).await;
    let mut statuses: Vec<u16> = outcomes.iter().map(|o| o.as_ref().map(|(s, _)| *s).unwrap_or(0)).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 422, 422, 422, 422, 422]);
    let refused = outcomes.into_iter().filter_map(Result::ok).find(|(status, _)| *status == 422).map(|(_, body)| body);
    let refused = refused.unwrap_or_default();
    assert_eq!(refused["errors"][0]["location"], "too_many_endpoints", "{refused}");
    assert!(refused["detail"].as_str().unwrap_or_default().contains("at most 3"), "{refused}");
    assert_eq!(app.send(Method::GET, "/api/webhooks", &acme.token, None).await?.1["total"], 3);
    assert_eq!(create(globex.token.clone(), 0).await?.0, 201, "the limit is per organization");
    Ok(())
}

#[tokio::test]
async fn attempts_are_read_a_page_at_a_time_and_resends_are_rate_limited() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("failing", &[500]);
    let app = TestApp::spawn_delivering(|config| config.webhooks_resends_per_minute = 2).await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) =
        app.send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": receiver.url("failing")}))).await?;
    assert_eq!(status, 201);
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    // The first attempt and the three retries of the test schedule.
    wait_for(Duration::from_secs(30), || async { Ok(Some(()).filter(|()| receiver.requests("failing").len() >= 4)) })
        .await?;
    let event = app.outbox().await?.into_iter().next().ok_or_else(|| anyhow::anyhow!("no event"))?;
    let path = format!("/api/webhooks/messages/{}", event.id);
    let all = wait_for(Duration::from_secs(30), || async {
        let (_, message) = app.send(Method::GET, &format!("{path}?limit=100"), &acme.token, None).await?;
        Ok(Some(message).filter(|message| message["attempts"].as_array().is_some_and(|a| a.len() == 4)))
    })
    .await?;
    let ids = |message: &Value| -> Vec<String> {
        message["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a["id"].as_str().unwrap_or_default().into())
            .collect()
    };
    assert_eq!(all["moreAttemptsBefore"], Value::Null);
    let (status, first) = app.send(Method::GET, &format!("{path}?limit=3"), &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_eq!(ids(&first), ids(&all)[..3], "newest first");
    let before = first["moreAttemptsBefore"].as_str().unwrap_or_default();
    assert_eq!(before, ids(&all)[2]);
    let (_, second) = app.send(Method::GET, &format!("{path}?limit=3&before={before}"), &acme.token, None).await?;
    assert_eq!(ids(&second), ids(&all)[3..]);
    assert_eq!(second["moreAttemptsBefore"], Value::Null);
    for limit in ["0", "101", "x"] {
        let (status, _) = app.send(Method::GET, &format!("{path}?limit={limit}"), &acme.token, None).await?;
        assert!(status == 422 || status == 400, "limit={limit}: {status}");
    }

    let resend = || app.request(Method::POST, &format!("{path}/resend"), &acme.token).json(&json!({})).send();
    assert_eq!(resend().await?.status(), 202);
    assert_eq!(resend().await?.status(), 202);
    let refused = resend().await?;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    assert!((1..=61).contains(&wait), "Retry-After: {wait}");
    let problem: Value = refused.json().await?;
    assert_eq!(problem["code"], "too_many_requests");
    Ok(())
}
