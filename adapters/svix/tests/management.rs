//! Endpoint management on a local HTTP server standing in for the Svix API: the requests made and
//! how the answers read.

mod support;

use kaiten_application::error::RepoError;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::webhook::{EndpointDraft, EndpointPatch, EndpointRef};
use kaiten_domain::webhook_secret_rotation::SecretRotation;
use kaiten_domain::{EventKind, Page};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn draft(events: Vec<EventKind>) -> EndpointDraft {
    EndpointDraft {
        url: "https://hooks.example.com/ep_1".into(),
        events,
        description: "ops".into(),
        disabled: false,
        scope: Default::default(),
        headers: vec![],
        rate_limit: None,
    }
}

#[tokio::test]
async fn creating_sends_the_url_and_the_subscribed_types_and_reads_back_the_secret() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .and(body_json(json!({"url": "https://hooks.example.com/ep_1", "description": "ops", "disabled": false,
            "eventTypes": [CREATED, DELETED], "channels": ["all"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(endpoint_out("ep_1", Some(&[DELETED, CREATED]), false)))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    let events = vec![EventKind::CustomerDeletion, EventKind::CustomerCreation];
    let endpoint = management(&server).create_endpoint(organization_id, draft(events), 50).await;
    let endpoint = endpoint.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(endpoint.id, "ep_1");
    assert_eq!(endpoint.url, "https://hooks.example.com/ep_1");
    assert_eq!(endpoint.event_names, vec!["CUSTOMER_CREATION", "CUSTOMER_DELETION"]);
    assert_eq!(endpoint.event_types, vec![CREATED, DELETED]);
    assert_eq!(endpoint.signing_secret, "whsec_abc");
    assert!(!endpoint.disabled);
    assert_eq!(endpoint.updated_at.to_rfc3339(), "2026-09-02T12:00:00+00:00");
}

#[tokio::test]
async fn an_endpoint_scoped_to_customers_listens_to_their_channels_and_reads_back_its_scope() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let customer = Uuid::now_v7();
    let channels = json!([format!("customer.{customer}"), "organization"]);
    let mut out = endpoint_out("ep_1", None, false);
    out["channels"] = channels.clone();
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .and(body_partial_json(json!({"channels": channels})))
        .respond_with(ResponseTemplate::new(201).set_body_json(out))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    let mut scoped = draft(Vec::new());
    scoped.scope.customers = vec![customer];
    scoped.scope.include_organization_events = true;
    let endpoint = management(&server).create_endpoint(organization_id, scoped, 50).await;
    let endpoint = endpoint.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(endpoint.customer_ids, vec![customer]);
    assert!(endpoint.include_organization_events);
}

#[tokio::test]
async fn more_customers_than_svix_channels_allow_is_refused_without_a_request() {
    let server = MockServer::start().await;
    let mut scoped = draft(Vec::new());
    scoped.scope.customers = (0..10).map(|_| Uuid::now_v7()).collect();
    scoped.scope.include_organization_events = true;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(vec![], None, true)))
        .mount(&server)
        .await;
    let refused = management(&server).create_endpoint(Uuid::now_v7(), scoped, 50).await;
    assert!(matches!(&refused, Err(RepoError::Invalid(c)) if c.code == "too_many_customers"), "{refused:?}");
    let posts = requests(&server).await.into_iter().filter(|request| request.method.as_str() == "POST").count();
    assert_eq!(posts, 0);
}

#[tokio::test]
async fn an_endpoint_for_every_event_carries_no_type_filter() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(ResponseTemplate::new(201).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    let endpoint = management(&server).create_endpoint(organization_id, draft(Vec::new()), 50).await;
    assert_eq!(endpoint.map(|endpoint| endpoint.event_types), Ok(Vec::<String>::new()));
    let received = requests(&server).await;
    let created = received.iter().find(|request| request.method.as_str() == "POST");
    let sent = body_of(created.unwrap_or_else(|| panic!("no endpoint was created")));
    assert_eq!(sent.get("eventTypes"), None, "{sent}");
}

#[tokio::test]
async fn an_organization_at_its_endpoint_limit_cannot_create_another() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let existing = (0..3).map(|n| endpoint_out(&format!("ep_{n}"), None, false)).collect();
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .and(query_param("limit", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(existing, None, true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(0).mount(&server).await;
    let refused = management(&server).create_endpoint(organization_id, draft(Vec::new()), 3).await;
    assert!(matches!(&refused, Err(RepoError::Invalid(rule)) if rule.code == "too_many_endpoints"), "{refused:?}");
}

#[tokio::test]
async fn creating_in_an_organization_without_application_creates_it_then_retries() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    Mock::given(method("POST"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(move |_: &Request| match counter.fetch_add(1, Ordering::SeqCst) {
            0 => ResponseTemplate::new(404).set_body_json(not_found()),
            _ => ResponseTemplate::new(201).set_body_json(endpoint_out("ep_1", None, false)),
        })
        .expect(2)
        .mount(&server)
        .await;
    let uid = organization_id.to_string();
    Mock::given(method("POST"))
        .and(path("/api/v1/app"))
        .and(query_param("get_if_exists", "true"))
        .and(body_partial_json(json!({"uid": uid, "name": uid})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "app_1", "uid": uid, "name": uid,
            "createdAt": "2026-09-01T12:00:00Z", "updatedAt": "2026-09-01T12:00:00Z", "metadata": {}})))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    let endpoint = management(&server).create_endpoint(organization_id, draft(Vec::new()), 50).await;
    assert_eq!(endpoint.map(|endpoint| endpoint.id), Ok(EndpointRef::new("ep_1")));
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_absent() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    Mock::given(method("GET"))
        .and(path(format!("{}/endpoint/ep_gone", app_path(organization_id))))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .expect(1)
        .mount(&server)
        .await;
    let management = management(&server);
    assert_eq!(management.get_endpoint(organization_id, &"ep_gone".into()).await, Ok(None));
    for malformed in ["", "ep_1/secret", "../app"] {
        assert_eq!(management.get_endpoint(organization_id, &malformed.into()).await, Ok(None));
        assert_eq!(management.delete_endpoint(organization_id, &malformed.into()).await, Ok(false));
    }
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn rotating_calls_the_rotate_path_and_returns_the_new_secret() {
    // Svix Cloud answers with the new secret, a self-hosted svix-server with an empty 204.
    for answer in [ResponseTemplate::new(200).set_body_json(json!({"key": "whsec_new"})), ResponseTemplate::new(204)] {
        let server = MockServer::start().await;
        let organization_id = Uuid::now_v7();
        let app = app_path(organization_id);
        Mock::given(method("POST"))
            .and(path(format!("{app}/endpoint/ep_1/secret/rotate")))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{app}/endpoint/ep_1")))
            .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
            .expect(1)
            .mount(&server)
            .await;
        serve_secret(&server, &app, "ep_1", "whsec_new").await;

        let rotated =
            management(&server).rotate_secret(organization_id, &"ep_1".into(), SecretRotation::default()).await;
        assert_eq!(rotated.map(|endpoint| endpoint.map(|e| e.signing_secret)), Ok(Some("whsec_new".to_owned())));
    }
}

#[tokio::test]
async fn an_overlap_svix_cannot_keep_is_refused_before_anything_rotates() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).expect(0).mount(&server).await;
    let rotation = SecretRotation { overlap: chrono::Duration::hours(1) };

    let refused = management(&server).rotate_secret(Uuid::now_v7(), &"ep_1".into(), rotation).await;

    assert!(matches!(&refused, Err(RepoError::Conflict(c)) if c.code == "not_supported_by_backend"), "{refused:?}");
}

#[tokio::test]
async fn listing_walks_the_iterator_pages_and_fetches_secrets_of_the_page_only() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .and(query_param("order", "descending"))
        .and(query_param("iterator", "it_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(
            vec![endpoint_out("ep_1", None, false)],
            None,
            true,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .and(query_param("order", "descending"))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(
            vec![endpoint_out("ep_3", None, false), endpoint_out("ep_2", Some(&[CREATED]), true)],
            Some("it_2"),
            false,
        )))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_2", "whsec_two").await;

    let listed = management(&server).list_endpoints(organization_id, Page { limit: 1, offset: 1, after: None }).await;
    let listed = listed.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed.total, 3);
    let ids: Vec<(&str, &str, bool)> =
        listed.items.iter().map(|e| (e.id.as_str(), e.signing_secret.as_str(), e.disabled)).collect();
    assert_eq!(ids, vec![("ep_2", "whsec_two", true)]);
}

#[tokio::test]
async fn updating_patches_only_the_given_fields_and_an_empty_subscription_clears_the_filter() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("PATCH"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .and(body_json(json!({"url": "https://hooks.example.com/new", "eventTypes": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;

    let patch = EndpointPatch {
        url: Some("https://hooks.example.com/new".into()),
        events: Some(Vec::new()),
        ..EndpointPatch::default()
    };
    let updated = management(&server).update_endpoint(organization_id, &"ep_1".into(), patch).await;
    assert_eq!(updated.map(|endpoint| endpoint.map(|e| e.id)), Ok(Some(EndpointRef::new("ep_1"))));
}

#[tokio::test]
async fn deleting_answers_whether_the_endpoint_existed() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("DELETE"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{app}/endpoint/ep_gone")))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .expect(1)
        .mount(&server)
        .await;
    let management = management(&server);
    assert_eq!(management.delete_endpoint(organization_id, &"ep_1".into()).await, Ok(true));
    assert_eq!(management.delete_endpoint(organization_id, &"ep_gone".into()).await, Ok(false));
}

#[tokio::test]
async fn svix_errors_map_onto_repository_errors() {
    for status in [500, 503, 429, 401, 403, 400, 422, 409] {
        let server = MockServer::start().await;
        let body = if status == 422 { json!({"detail": []}) } else { json!({"code": "x", "detail": "y"}) };
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let outcome = management(&server).get_endpoint(Uuid::now_v7(), &"ep_1".into()).await;
        match (status, outcome) {
            (500 | 503 | 429 | 401 | 403, Err(RepoError::Unavailable(_))) => {}
            (400 | 422, Err(RepoError::Invalid(rule))) => assert_eq!(rule.code, "svix_refused"),
            (409, Err(RepoError::Unexpected(_))) => {}
            (status, outcome) => panic!("{status} answered {outcome:?}"),
        }
    }
}
