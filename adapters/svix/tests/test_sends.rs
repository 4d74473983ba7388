//! Test sends on Svix: Svix's send-example to that endpoint alone (the event type's registered example
//! is the test body); a disabled or unknown endpoint sends nothing.

mod support;

use kaiten_application::RepoError;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::EventKind;
use serde_json::json;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_test_send_is_svixs_send_example_to_that_endpoint() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint/ep_1/send-example")))
        .and(body_json(json!({"eventType": "com.kaiten.license.v1.created"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_test1", "eventType": "com.kaiten.license.v1.created",
            "payload": {"test": true}, "timestamp": "2026-09-01T12:00:00Z"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let sent = management(&server).send_test(organization_id, &"ep_1".into(), EventKind::LicenseCreation).await;

    let sent = sent.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((sent.event_id, sent.message_id.as_str()), (None, "msg_test1"));
}

#[tokio::test]
async fn a_disabled_or_unknown_endpoint_gets_no_test() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_off")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_off", None, true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_gone")))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let management = management(&server);

    let disabled = management.send_test(organization_id, &"ep_off".into(), EventKind::ReleaseCreation).await;
    assert!(matches!(&disabled, Err(RepoError::Conflict(c)) if c.code == "endpoint_disabled"), "{disabled:?}");
    let gone = management.send_test(organization_id, &"ep_gone".into(), EventKind::ReleaseCreation).await;
    assert_eq!(gone.map(|_| ()), Err(RepoError::NotFound));
}
