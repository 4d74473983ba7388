//! Custom headers on Svix: the values go to Svix's endpoint headers, the record of which headers exist
//! (and the values of those that are not secret) to the endpoint's metadata, which reads come from.

mod support;

use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::webhook::{EndpointDraft, EndpointPatch, EndpointRef};
use kaiten_domain::webhook_headers::{EndpointHeader, EndpointHeaderView};
use serde_json::json;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn header(name: &str, value: Option<&str>, secret: bool) -> EndpointHeader {
    EndpointHeader { name: name.into(), value: value.map(str::to_owned), secret }
}

fn recorded(headers: &[EndpointHeader]) -> String {
    serde_json::to_string(&headers.iter().map(EndpointHeader::view).collect::<Vec<_>>()).unwrap_or_default()
}

#[tokio::test]
async fn creation_sends_the_values_and_records_which_headers_exist() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let headers = vec![header("X-Tenant", Some("acme"), false), header("Authorization", Some("Bearer k"), true)];
    let mut created = endpoint_out("ep_1", None, false);
    created["metadata"] = json!({"kaitenHeaders": recorded(&headers)});
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .and(body_partial_json(json!({
            "headers": {"X-Tenant": "acme", "Authorization": "Bearer k"},
            "metadata": {"kaitenHeaders": recorded(&headers)},
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(created))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;
    let draft = EndpointDraft {
        url: "https://hooks.example.com/ep_1".into(),
        events: vec![],
        description: String::new(),
        disabled: false,
        scope: Default::default(),
        headers,
        rate_limit: None,
    };

    let endpoint = management(&server).create_endpoint(organization_id, draft, 50).await;

    let shown = endpoint.map(|endpoint| endpoint.headers).unwrap_or_default();
    assert_eq!(
        shown,
        vec![
            EndpointHeaderView { name: "X-Tenant".into(), value: Some("acme".into()), secret: false },
            EndpointHeaderView { name: "Authorization".into(), value: None, secret: true },
        ]
    );
}

#[tokio::test]
async fn an_update_replaces_the_set_keeping_values_svix_shows() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1/headers")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "headers": {"X-Gateway": "g-1", "X-Old": "o"}, "sensitive": ["Authorization"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{app}/endpoint/ep_1/headers")))
        .and(body_json(json!({"headers": {"x-gateway": "g-1", "X-Region": "eu"}})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // X-Gateway was saved as not secret: kept by name, it stays shown.
    let mut stored = endpoint_out("ep_1", None, false);
    stored["metadata"] = json!({"kaitenHeaders": recorded(&[header("X-Gateway", Some("g-1"), false)])});
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(stored))
        .expect(1)
        .mount(&server)
        .await;
    // The name is matched whatever its case and written as the request spells it.
    let kept = [header("x-gateway", Some("g-1"), false), header("X-Region", Some("eu"), false)];
    Mock::given(method("PATCH"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .and(body_partial_json(json!({"metadata": {"kaitenHeaders": recorded(&kept)}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;
    let patch = EndpointPatch {
        headers: Some(vec![header("x-gateway", None, true), header("X-Region", Some("eu"), false)]),
        ..EndpointPatch::default()
    };
    let updated = management(&server).update_endpoint(organization_id, &EndpointRef::new("ep_1"), patch).await;
    assert!(matches!(updated, Ok(Some(_))), "{updated:?}");
}

#[tokio::test]
async fn a_credential_svix_does_not_show_must_be_given_again() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1/headers")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"headers": {}, "sensitive": ["Authorization"]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .mount(&server)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&server).await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let patch = EndpointPatch { headers: Some(vec![header("Authorization", None, true)]), ..EndpointPatch::default() };

    let refused = management(&server).update_endpoint(organization_id, &EndpointRef::new("ep_1"), patch).await;

    assert!(
        matches!(&refused, Err(kaiten_application::RepoError::Invalid(c)) if c.code == "header_without_value"),
        "{refused:?}"
    );
}
