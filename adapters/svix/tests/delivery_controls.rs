//! Per-endpoint delivery controls on the Svix backend, against a local HTTP server standing in for
//! the Svix API: `rateLimit` is Svix's `throttleRate`.

mod support;

use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{EndpointDraft, EndpointPatch};
use serde_json::json;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn draft(events: Vec<EventKind>, rate_limit: Option<u32>) -> EndpointDraft {
    EndpointDraft {
        url: "https://hooks.example.com/ep_1".into(),
        events,
        description: String::new(),
        disabled: false,
        scope: Default::default(),
        headers: vec![],
        rate_limit,
    }
}

#[tokio::test]
async fn a_rate_limit_is_sent_as_svix_throttle_rate_and_read_back() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let mut out = endpoint_out("ep_1", None, false);
    out["throttleRate"] = json!(25);
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .and(body_partial_json(json!({"throttleRate": 25})))
        .respond_with(ResponseTemplate::new(201).set_body_json(out))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;
    let created = management(&server).create_endpoint(organization_id, draft(vec![], Some(25)), 50).await;
    assert_eq!(created.map(|endpoint| endpoint.rate_limit).ok(), Some(Some(25)));
    server.verify().await;
    server.reset().await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    Mock::given(method("PATCH"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .and(body_partial_json(json!({"throttleRate": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    let patch = EndpointPatch { rate_limit: Some(None), ..EndpointPatch::default() };
    let updated = management(&server).update_endpoint(organization_id, &"ep_1".into(), patch).await;
    assert_eq!(updated.map(|endpoint| endpoint.map(|e| e.rate_limit)).ok(), Some(Some(None)), "null removes it");
}
