//! The built-in delivery engine end to end on the real stack: API → outbox → WAL → relay →
//! RabbitMQ → worker → engine → a real HTTP receiver on loopback. Subscriptions, Standard Webhooks
//! signatures verified with the svix crate, retries on the (fast) schedule, 410, resend, secret
//! rotation, and isolation of messages between organizations.

mod support;

use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;
use support::receiver::{ReceivedRequest, Receiver};
use support::webhooks::{DEADLINE, create_customer, endpoint, received};

fn verifies(request: &ReceivedRequest, secret: &str) -> bool {
    svix::webhooks::Webhook::new(secret).is_ok_and(|webhook| webhook.verify(&request.body, &request.headers).is_ok())
}

#[tokio::test]
async fn subscribers_get_exactly_their_events_signed_with_their_secret() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (_, secret) =
        endpoint(&app, &acme, receiver.url("customers"), &["CUSTOMER_CREATION", "CUSTOMER_DELETION"]).await?;
    let (_, every_secret) = endpoint(&app, &acme, receiver.url("everything"), &[]).await?;

    create_customer(&app, &acme, "Globex").await?;
    app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({"name": "Globex Inc"}))).await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    app.send(Method::DELETE, "/api/customers/globex", &acme.token, None).await?;

    // Every event reaches the catch-all endpoint in the same hand-over as the subscribed one.
    let everything = received(&receiver, "everything", 4).await?;
    let mut names: Vec<String> =
        everything.iter().map(|r| r.json()["name"].as_str().unwrap_or_default().to_owned()).collect();
    names.sort();
    assert_eq!(names, ["CUSTOMER_CREATION", "CUSTOMER_DELETION", "CUSTOMER_UPDATE", "RELEASE_CREATION"]);
    for request in &everything {
        let body = request.json();
        let id = body["id"].as_str().unwrap_or_default();
        let (status, in_feed) = app.send(Method::GET, &format!("/api/events/{id}"), &acme.token, None).await?;
        assert_eq!((status, &in_feed), (200, &body), "the webhook carried exactly the feed's body");
    }
    let update = everything.iter().map(|r| r.json()).find(|body| body["name"] == "CUSTOMER_UPDATE");
    let update = update.ok_or_else(|| anyhow::anyhow!("no update delivered"))?;
    assert_eq!(update["previousAttributes"], json!({"name": "Globex"}), "through the relay and the worker");
    let subscribed = received(&receiver, "customers", 2).await?;
    let mut names: Vec<Value> = subscribed.iter().map(|r| r.json()["name"].clone()).collect();
    names.sort_by_key(|name| name.to_string());
    assert_eq!(names, [json!("CUSTOMER_CREATION"), json!("CUSTOMER_DELETION")]);

    let outbox = app.outbox().await?;
    for request in &subscribed {
        assert!(verifies(request, &secret), "the signature verifies with the endpoint's secret");
        assert!(!verifies(request, &every_secret), "and not with another endpoint's");
        for (standard, alias) in [
            ("webhook-id", "svix-id"),
            ("webhook-timestamp", "svix-timestamp"),
            ("webhook-signature", "svix-signature"),
        ] {
            assert_eq!(request.header(standard), request.header(alias));
        }
        let body = request.json();
        let row =
            outbox.iter().find(|row| row.event_name == body["name"]).ok_or_else(|| anyhow::anyhow!("no outbox row"))?;
        let timestamp = body["timestamp"].as_str().unwrap_or_default();
        let committed = chrono::DateTime::parse_from_rfc3339(timestamp)?.with_timezone(&chrono::Utc);
        let written_before = (chrono::Utc::now() - committed).num_seconds();
        assert!((0..60).contains(&written_before), "the time {timestamp} is this change's");
        assert_eq!(
            body,
            json!({"id": row.id.simple().to_string(), "name": row.event_name, "type": row.event_type,
                   "timestamp": timestamp, "customerId": row.data["id"], "customerSlug": row.data["slug"],
                   "data": row.data})
        );
        assert_eq!(request.header("webhook-id"), format!("msg_{}", row.id.simple()));
        let (status, in_feed) = app.send(Method::GET, &format!("/api/events/{}", row.id), &acme.token, None).await?;
        assert_eq!((status, &in_feed), (200, &body), "the event feed shows exactly the body the webhook carried");
    }
    assert_eq!(receiver.requests("customers").len(), 2, "nothing else arrived");
    let metrics = app.client.get(format!("{}/metrics", app.base_url)).send().await?.text().await?;
    let successes = metrics
        .lines()
        .find(|line| line.starts_with("kaiten_webhook_deliveries_total{outcome=\"success\"}"))
        .and_then(|line| line.rsplit(' ').next()?.parse::<f64>().ok());
    assert_eq!(successes, Some(6.0), "deliveries by outcome are counted");
    assert!(metrics.contains("kaiten_webhook_delivery_duration_seconds"));
    Ok(())
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_the_same_webhook_id_and_the_history_shows_it() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("flaky", &[500, 503, 200]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (endpoint_id, _) = endpoint(&app, &acme, receiver.url("flaky"), &[]).await?;
    create_customer(&app, &acme, "Globex").await?;

    let requests = received(&receiver, "flaky", 3).await?;
    let ids: Vec<String> = requests.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0] && id.starts_with("msg_")), "{ids:?}");
    let history = wait_for(DEADLINE, || async {
        let (_, history) = app
            .send(Method::GET, &format!("/api/webhooks/history?endpointId={endpoint_id}"), &acme.token, None)
            .await?;
        Ok(Some(history).filter(|h| h["total"] == 3))
    })
    .await?;
    let summary: Vec<(Value, Value)> = history["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| (a["status"].clone(), a["responseStatusCode"].clone()))
        .collect();
    assert_eq!(summary, [(json!("success"), json!(200)), (json!("fail"), json!(503)), (json!("fail"), json!(500))]);
    let event_id = history["items"][0]["eventId"].as_str().unwrap_or_default().to_owned();
    assert_eq!(history["items"][0]["messageId"], ids[0]);

    let (status, message) =
        app.send(Method::GET, &format!("/api/webhooks/messages/{event_id}"), &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_eq!(message["payload"], requests[2].json(), "the inspected payload is the exact body delivered");
    assert_eq!(message["attempts"].as_array().map(Vec::len), Some(3));
    let (_, failures) = app
        .send(Method::GET, "/api/webhooks/history?status=fail&eventName=CUSTOMER_CREATION", &acme.token, None)
        .await?;
    assert_eq!(failures["total"], 2);
    Ok(())
}

#[tokio::test]
async fn gone_disables_the_endpoint_until_it_is_enabled_and_resend_delivers_again() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("gone", &[410, 200]);
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (gone_id, _) = endpoint(&app, &acme, receiver.url("gone"), &[]).await?;
    endpoint(&app, &acme, receiver.url("witness"), &[]).await?;
    create_customer(&app, &acme, "First").await?;
    let first = received(&receiver, "gone", 1).await?;
    let path = format!("/api/webhooks/{gone_id}");
    wait_for(DEADLINE, || async {
        let (_, endpoint) = app.send(Method::GET, &path, &acme.token, None).await?;
        Ok(Some(()).filter(|()| endpoint["disabled"] == true))
    })
    .await?;

    create_customer(&app, &acme, "Second").await?;
    received(&receiver, "witness", 2).await?;
    assert_eq!(receiver.requests("gone").len(), 1, "a disabled endpoint receives nothing");

    let event_id = app.outbox().await?.first().map(|row| row.id).ok_or_else(|| anyhow::anyhow!("no event"))?;
    let resend = format!("/api/webhooks/messages/{event_id}/resend");
    let (status, problem) = app.send(Method::POST, &resend, &acme.token, Some(json!({"endpointId": gone_id}))).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("endpoint_disabled")));
    app.send(Method::PUT, &path, &acme.token, Some(json!({"disabled": false}))).await?;
    let (status, queued) = app.send(Method::POST, &resend, &acme.token, Some(json!({"endpointId": gone_id}))).await?;
    assert_eq!((status, queued["queued"].as_u64()), (202, Some(1)));
    let again = received(&receiver, "gone", 2).await?;
    assert_eq!(again[1].header("webhook-id"), first[0].header("webhook-id"));
    assert_eq!(again[1].body, first[0].body);
    Ok(())
}

#[tokio::test]
async fn during_a_rotation_both_secrets_sign() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (id, old_secret) = endpoint(&app, &acme, receiver.url("rotating"), &[]).await?;
    let (status, rotated) =
        app.send(Method::POST, &format!("/api/webhooks/{id}/rotate-secret"), &acme.token, None).await?;
    assert_eq!(status, 200);
    let new_secret = rotated["signingSecret"].as_str().unwrap_or_default().to_owned();
    assert_ne!(new_secret, old_secret);
    create_customer(&app, &acme, "Globex").await?;
    let request = received(&receiver, "rotating", 1).await?.remove(0);
    let signatures = request.header("webhook-signature");
    assert_eq!(signatures.split(' ').filter(|s| s.starts_with("v1,")).count(), 2, "{signatures}");
    assert!(verifies(&request, &new_secret) && verifies(&request, &old_secret));
    Ok(())
}

#[tokio::test]
async fn a_rotation_without_overlap_stops_the_previous_secret_at_once() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let (id, old_secret) = endpoint(&app, &acme, receiver.url("rotated"), &[]).await?;
    let rotate = format!("/api/webhooks/{id}/rotate-secret");
    for refused in [json!({"overlapSeconds": -1}), json!({"overlapSeconds": 604_801}), json!({"overlap": 1})] {
        let (status, problem) = app.send(Method::POST, &rotate, &acme.token, Some(refused.clone())).await?;
        assert_eq!(status, 422, "{refused}: {problem}");
    }
    let text = app.request(Method::POST, &rotate, &acme.token).header("content-type", "text/plain").body("0");
    assert_eq!(text.send().await?.status(), 415);
    let (status, rotated) = app.send(Method::POST, &rotate, &acme.token, Some(json!({"overlapSeconds": 0}))).await?;
    assert_eq!(status, 200, "{rotated}");
    let new_secret = rotated["signingSecret"].as_str().unwrap_or_default().to_owned();
    create_customer(&app, &acme, "Globex").await?;
    let request = received(&receiver, "rotated", 1).await?.remove(0);
    let signatures = request.header("webhook-signature");
    assert_eq!(signatures.split(' ').filter(|s| s.starts_with("v1,")).count(), 1, "{signatures}");
    assert!(verifies(&request, &new_secret) && !verifies(&request, &old_secret));
    Ok(())
}

#[tokio::test]
async fn another_organization_cannot_read_or_resend_messages() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let (acme, globex) = (app.tenant("Acme").await?, app.tenant("Globex").await?);
    let (acme_endpoint, _) = endpoint(&app, &acme, receiver.url("acme"), &[]).await?;
    create_customer(&app, &acme, "Initech").await?;
    received(&receiver, "acme", 1).await?;
    let event_id = app.outbox().await?.first().map(|row| row.id).ok_or_else(|| anyhow::anyhow!("no event"))?;
    let message = format!("/api/webhooks/messages/{event_id}");
    wait_for(DEADLINE, || async {
        let (status, _) = app.send(Method::GET, &message, &acme.token, None).await?;
        Ok(Some(()).filter(|()| status == 200))
    })
    .await?;
    let (status, _) = app.send(Method::GET, &message, &globex.token, None).await?;
    assert_eq!(status, 404);
    let (status, _) = app.send(Method::POST, &format!("{message}/resend"), &globex.token, Some(json!({}))).await?;
    assert_eq!(status, 404);
    let (status, _) = app
        .send(Method::POST, &format!("{message}/resend"), &globex.token, Some(json!({"endpointId": acme_endpoint})))
        .await?;
    assert_eq!(status, 404);
    let (_, history) = app.send(Method::GET, "/api/webhooks/history", &globex.token, None).await?;
    assert_eq!(history["total"], 0);
    let (_, history) = app.send(Method::GET, "/api/webhooks/history", &acme.token, None).await?;
    assert_eq!(history["total"], 1);
    Ok(())
}

#[tokio::test]
async fn an_endpoint_failing_longer_than_the_limit_is_disabled() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    receiver.script("down", &[500]);
    let app =
        TestApp::spawn_delivering(|config| config.webhooks_disable_after = std::time::Duration::from_millis(1)).await?;
    let acme = app.tenant("Acme").await?;
    let (id, _) = endpoint(&app, &acme, receiver.url("down"), &[]).await?;
    create_customer(&app, &acme, "Globex").await?;
    // The first failure starts the streak; the retry fails after the limit and disables it.
    let disabled = wait_for(DEADLINE, || async {
        let (_, endpoint) = app.send(Method::GET, &format!("/api/webhooks/{id}"), &acme.token, None).await?;
        Ok(Some(endpoint).filter(|e| e["disabled"] == true))
    })
    .await?;
    assert_eq!(disabled["disabled"], true);
    assert!(receiver.requests("down").len() >= 2);
    Ok(())
}
