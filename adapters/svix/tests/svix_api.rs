//! The Svix adapter against a local HTTP server standing in for the Svix API: the exact requests it
//! makes and how it reads the answers.

use kaiten_application::ports::webhooks::{MockEventOwners, SendError, WebhookEvent, WebhookSender};
use kaiten_domain::EventKind;
use kaiten_domain::organization::Organization;
use kaiten_svix::SvixWebhookSender;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn event() -> WebhookEvent {
    WebhookEvent {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        kind: EventKind::CustomerCreation,
        data: json!({"id": "c-1", "name": "Acme"}),
        traceparent: None,
        naming: kaiten_domain::EventNaming::Classic,
        timestamp: kaiten_domain::clock::now(),
        previous_attributes: None,
        customer: None,
    }
}

fn message_out(event: &WebhookEvent) -> Value {
    json!({"id": "msg_1", "eventId": event.id, "eventType": event.kind.event_type(), "payload": event.body(),
           "channels": null, "timestamp": "2026-09-01T12:00:00Z"})
}

fn app_out(uid: &str) -> Value {
    json!({"id": "app_1", "uid": uid, "name": uid, "createdAt": "2026-09-01T12:00:00Z", "updatedAt": "2026-09-01T12:00:00Z", "metadata": {}})
}

/// Every event id belongs to the organization that sends it (as when ids never collide).
async fn sender(server: &MockServer) -> SvixWebhookSender {
    let mut owners = MockEventOwners::new();
    owners.expect_claim().returning(|_, _| Ok(true));
    SvixWebhookSender::new("testsk_secret".into(), Some(server.uri()), Arc::new(owners))
}

#[tokio::test]
async fn an_event_id_another_organization_owns_is_refused_without_calling_svix() {
    let server = MockServer::start().await;
    let event = event();
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(202)).expect(0).mount(&server).await;
    let mut owners = MockEventOwners::new();
    let (id, organization) = (event.id, event.organization_id);
    owners.expect_claim().withf(move |e, o| *e == id && *o == organization).times(1).returning(|_, _| Ok(false));
    let sender = SvixWebhookSender::new("testsk_secret".into(), Some(server.uri()), Arc::new(owners));
    let refused = sender.send(&event).await;
    assert!(
        matches!(&refused, Err(SendError::Permanent(reason)) if reason.contains("another organization")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn sends_one_message_with_event_id_idempotency_key_and_body() {
    let server = MockServer::start().await;
    let event = event();
    let id = event.id.to_string();
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/app/{}/msg", event.organization_id)))
        .and(header("idempotency-key", id.as_str()))
        .and(header("authorization", "Bearer testsk_secret"))
        .and(body_partial_json(json!({
            "eventType": "com.kaiten.customer.v1.created",
            "eventId": id,
            "payload": {"name": "CUSTOMER_CREATION", "type": "com.kaiten.customer.v1.created", "data": {"id": "c-1", "name": "Acme"}}
        })))
        .respond_with(ResponseTemplate::new(202).set_body_json(message_out(&event)))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(sender(&server).await.send(&event).await, Ok(()));
}

#[tokio::test]
async fn a_customer_event_goes_on_its_customer_channel_and_an_organization_event_on_the_organization_one() {
    let server = MockServer::start().await;
    let customer = Uuid::now_v7();
    let mut event = event();
    event.customer = Some(kaiten_domain::EventCustomer { id: customer, slug: "acme".into() });
    Mock::given(method("POST"))
        .and(body_partial_json(
            json!({"eventId": event.id.to_string(), "channels": ["all", format!("customer.{customer}")]}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(message_out(&event)))
        .expect(1)
        .mount(&server)
        .await;
    let organization_wide = WebhookEvent { id: Uuid::now_v7(), customer: None, ..event.clone() };
    Mock::given(method("POST"))
        .and(body_partial_json(
            json!({"eventId": organization_wide.id.to_string(), "channels": ["all", "organization"]}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(message_out(&organization_wide)))
        .expect(1)
        .mount(&server)
        .await;
    let sender = sender(&server).await;
    assert_eq!(sender.send(&event).await, Ok(()));
    assert_eq!(sender.send(&organization_wide).await, Ok(()));
}

#[tokio::test]
async fn a_conflict_means_already_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"code": "conflict", "detail": "duplicate eventId"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(sender(&server).await.send(&event()).await, Ok(()));
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_an_outage_and_bad_requests_permanent() {
    for (status, transient) in [(429, true), (500, true), (503, true), (401, true), (400, false), (422, false)] {
        let server = MockServer::start().await;
        let body = if status == 422 { json!({"detail": []}) } else { json!({"code": "x", "detail": "y"}) };
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let outcome = sender(&server).await.send(&event()).await;
        match outcome {
            Err(SendError::Unavailable { dependency: "svix", .. }) => {
                assert!(transient, "{status} should be permanent")
            }
            Err(SendError::Permanent(_)) => assert!(!transient, "{status} should be an outage"),
            Err(other) => panic!("{status}: {other:?}"),
            Ok(()) => panic!("{status} accepted"),
        }
    }
}

#[tokio::test]
async fn an_unknown_application_is_created_with_the_organization_uid_then_the_message_sent() {
    let server = MockServer::start().await;
    let event = event();
    let uid = event.organization_id.to_string();
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = attempts.clone();
    let out = message_out(&event);
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/app/{uid}/msg")))
        .respond_with(move |_: &Request| {
            if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                ResponseTemplate::new(404).set_body_json(json!({"code": "not_found", "detail": "app not found"}))
            } else {
                ResponseTemplate::new(202).set_body_json(out.clone())
            }
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/app"))
        .and(query_param("get_if_exists", "true"))
        .and(body_partial_json(json!({"uid": uid})))
        .respond_with(ResponseTemplate::new(200).set_body_json(app_out(&uid)))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(sender(&server).await.send(&event).await, Ok(()));
}

#[tokio::test]
async fn organizations_get_an_application_and_the_catalog_is_registered() {
    let server = MockServer::start().await;
    let organization = Organization::create("Acme Corp", kaiten_domain::clock::now()).unwrap_or_else(|e| panic!("{e}"));
    let uid = organization.id.to_string();
    Mock::given(method("POST"))
        .and(path("/api/v1/app"))
        .and(query_param("get_if_exists", "true"))
        .and(body_partial_json(json!({"uid": uid, "name": "Acme Corp"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(app_out(&uid)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/event-type/com.kaiten.customer.v1.created"))
        .and(body_partial_json(json!({"groupName": "Customer", "schemas": {"1": {"type": "object"}}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "com.kaiten.customer.v1.created",
            "description": "d", "archived": false, "deprecated": false, "createdAt": "2026-09-01T12:00:00Z", "updatedAt": "2026-09-01T12:00:00Z"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(|request: &Request| {
            let name = request.url.path().rsplit('/').next().unwrap_or_default().to_owned();
            ResponseTemplate::new(200).set_body_json(json!({"name": name, "description": "d", "archived": false,
                "deprecated": false, "createdAt": "2026-09-01T12:00:00Z", "updatedAt": "2026-09-01T12:00:00Z"}))
        })
        .expect(kaiten_domain::catalog::CATALOG.len() as u64 - 1)
        .mount(&server)
        .await;
    let sender = sender(&server).await;
    assert_eq!(sender.ensure_organization(&organization).await, Ok(()));
    assert_eq!(sender.register_event_types().await, Ok(()));
    // The schema is the whole body's, and its one example the test body Svix's send-example delivers.
    let requests = server.received_requests().await.unwrap_or_default();
    let created = requests.iter().find(|r| r.url.path().ends_with("/com.kaiten.customer.v1.created"));
    let body: Value = created.and_then(|request| serde_json::from_slice(&request.body).ok()).unwrap_or_default();
    let schema = &body["schemas"]["1"];
    assert_eq!(schema["required"], json!(["id", "name", "type", "timestamp", "data"]));
    assert_eq!(schema["examples"][0]["test"], true);
    assert_eq!(schema["examples"][0]["name"], "CUSTOMER_CREATION");
}
