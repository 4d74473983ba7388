//! Svix API answers for the management tests, shaped like Svix's JSON models.
#![allow(dead_code, reason = "each test file uses its own part of the fixtures")]

use kaiten_svix::SvixWebhookManagement;
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const CREATED: &str = "com.kaiten.customer.v1.created";
pub const DELETED: &str = "com.kaiten.customer.v1.deleted";

pub fn management(server: &MockServer) -> SvixWebhookManagement {
    SvixWebhookManagement::new("testsk_secret".into(), Some(server.uri()))
}

/// The base path of an organization's application.
pub fn app_path(organization_id: Uuid) -> String {
    format!("/api/v1/app/{organization_id}")
}

pub fn endpoint_out(id: &str, event_types: Option<&[&str]>, disabled: bool) -> Value {
    json!({
        "id": id, "metadata": {}, "url": format!("https://hooks.example.com/{id}"), "description": "ops",
        "disabled": disabled, "eventTypes": event_types,
        "createdAt": "2026-09-01T12:00:00Z", "updatedAt": "2026-09-02T12:00:00Z"
    })
}

pub fn endpoint_list(endpoints: Vec<Value>, iterator: Option<&str>, done: bool) -> Value {
    json!({"data": endpoints, "iterator": iterator, "prevIterator": null, "done": done})
}

pub fn message_out(event_id: Uuid, message_id: &str) -> Value {
    json!({
        "id": message_id, "eventId": event_id, "eventType": CREATED,
        "payload": {"name": "CUSTOMER_CREATION", "type": CREATED, "data": {"id": "c-1"}},
        "timestamp": "2026-09-01T12:00:00Z"
    })
}

/// An attempt as Svix lists it; `status` is Svix's number (0 success, 1 pending, 2 fail, 3 sending, 4 canceled).
pub fn attempt_out(id: &str, endpoint_id: &str, status: u8, code: i16, timestamp: &str) -> Value {
    let text = ["success", "pending", "fail", "sending", "canceled"][usize::from(status)];
    json!({
        "id": id, "msgId": "msg_1", "endpointId": endpoint_id, "url": format!("https://hooks.example.com/{endpoint_id}"),
        "response": "ok", "responseStatusCode": code, "responseDurationMs": 42, "status": status,
        "statusText": text, "triggerType": 0, "timestamp": timestamp
    })
}

pub fn attempt_list(attempts: Vec<Value>) -> Value {
    json!({"data": attempts, "iterator": null, "prevIterator": null, "done": true})
}

pub fn not_found() -> Value {
    json!({"code": "not_found", "detail": "Entity not found"})
}

pub fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|e| panic!("request body is not JSON: {e}"))
}

pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_else(|| panic!("request recording is on by default"))
}

/// Serves the endpoint's signing secret.
pub async fn serve_secret(server: &MockServer, app: &str, endpoint_id: &str, key: &str) {
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/{endpoint_id}/secret")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": key})))
        .expect(1)
        .mount(server)
        .await;
}
