//! Delivery history, message inspection and resending on a local HTTP server standing in for the
//! Svix API.

mod support;

use kaiten_application::error::RepoError;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_domain::webhook::{AttemptPage, AttemptStatus, HistoryFilter};
use kaiten_domain::{EventKind, Page};
use serde_json::json;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn history_of_one_endpoint_passes_the_filters_and_maps_statuses_and_codes() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let event_id = Uuid::now_v7();
    let mut delivered = attempt_out("atmpt_3", "ep_1", 0, 200, "2026-09-01T12:03:00Z");
    delivered["msg"] = message_out(event_id, "msg_1");
    delivered["response"] = json!("x".repeat(30 * 1024));
    let unreachable = attempt_out("atmpt_2", "ep_1", 2, 0, "2026-09-01T12:02:00Z");
    let canceled = attempt_out("atmpt_1", "ep_1", 4, 503, "2026-09-01T12:01:00Z");
    Mock::given(method("GET"))
        .and(path(format!("{}/attempt/endpoint/ep_1", app_path(organization_id))))
        .and(query_param("status", "2"))
        .and(query_param("event_types", CREATED))
        .and(query_param("with_msg", "true"))
        .and(query_param("with_content", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(attempt_list(vec![unreachable, delivered, canceled])))
        .expect(1)
        .mount(&server)
        .await;

    let filter = HistoryFilter {
        endpoint_id: Some("ep_1".into()),
        event: Some(EventKind::CustomerCreation),
        status: Some(AttemptStatus::Fail),
        page: Page { limit: 10, offset: 0, after: None },
        ..HistoryFilter::default()
    };
    let history = management(&server).history(organization_id, filter).await.unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(history.total, 3);
    let rows: Vec<(&str, AttemptStatus, Option<i32>)> =
        history.items.iter().map(|a| (a.id.as_str(), a.status, a.response_status_code)).collect();
    assert_eq!(
        rows,
        vec![
            ("atmpt_3", AttemptStatus::Success, Some(200)),
            ("atmpt_2", AttemptStatus::Fail, None),
            ("atmpt_1", AttemptStatus::Fail, Some(503)),
        ]
    );
    let first = &history.items[0];
    assert_eq!((first.event_id.as_str(), first.message_id.as_str()), (event_id.to_string().as_str(), "msg_1"));
    assert_eq!((first.event_name.as_str(), first.event_type.as_str()), ("CUSTOMER_CREATION", CREATED));
    assert_eq!((first.response_body.len(), first.duration_ms), (20 * 1024, 42));
    assert_eq!(history.items[1].event_id, "msg_1", "without the message, the message id stands in");
}

#[tokio::test]
async fn history_of_the_organization_merges_every_endpoint_newest_first() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(
            vec![endpoint_out("ep_1", None, false), endpoint_out("ep_2", None, false)],
            None,
            true,
        )))
        .expect(1)
        .mount(&server)
        .await;
    for (endpoint_id, minutes) in [("ep_1", [4, 1]), ("ep_2", [3, 2])] {
        let attempts = minutes
            .iter()
            .map(|m| attempt_out(&format!("atmpt_{m}"), endpoint_id, 0, 200, &format!("2026-09-01T12:0{m}:00Z")))
            .collect();
        Mock::given(method("GET"))
            .and(path(format!("{app}/attempt/endpoint/{endpoint_id}")))
            .and(query_param("limit", "3"))
            .respond_with(ResponseTemplate::new(200).set_body_json(attempt_list(attempts)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let filter = HistoryFilter { page: Page { limit: 2, offset: 1, after: None }, ..HistoryFilter::default() };
    let history = management(&server).history(organization_id, filter).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(history.total, 4);
    let ids: Vec<(&str, &str)> = history.items.iter().map(|a| (a.id.as_str(), a.endpoint_id.as_str())).collect();
    assert_eq!(ids, vec![("atmpt_3", "ep_2"), ("atmpt_2", "ep_2")]);
}

#[tokio::test]
async fn a_message_is_found_by_its_event_id_with_payload_and_attempts() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let event_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/{event_id}")))
        .and(query_param("with_content", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_out(event_id, "msg_1")))
        .expect(1)
        .mount(&server)
        .await;
    let mut page = attempt_list(vec![
        attempt_out("atmpt_1", "ep_1", 2, 500, "2026-09-01T12:01:00Z"),
        attempt_out("atmpt_2", "ep_1", 0, 204, "2026-09-01T12:05:00Z"),
    ]);
    page["done"] = json!(false);
    page["iterator"] = json!("atmpt_1");
    Mock::given(method("GET"))
        .and(path(format!("{app}/attempt/msg/msg_1")))
        .and(query_param("limit", "2"))
        .and(query_param("iterator", "atmpt_9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;

    let attempts = AttemptPage { limit: 2, before: Some("atmpt_9".into()) };
    let message = management(&server).message(organization_id, event_id, attempts).await;
    let message = message.unwrap_or_else(|e| panic!("{e}"));
    let message = message.unwrap_or_else(|| panic!("the message exists"));
    assert_eq!((message.event_id, message.message_id), (event_id.to_string(), "msg_1".to_owned()));
    assert_eq!(message.event_name, "CUSTOMER_CREATION");
    assert_eq!(message.payload["data"], json!({"id": "c-1"}));
    let attempts: Vec<(&str, AttemptStatus, &str)> =
        message.attempts.iter().map(|a| (a.id.as_str(), a.status, a.event_type.as_str())).collect();
    assert_eq!(attempts, vec![("atmpt_2", AttemptStatus::Success, CREATED), ("atmpt_1", AttemptStatus::Fail, CREATED)]);
    assert_eq!(message.more_attempts_before.as_deref(), Some("atmpt_1"), "older attempts are one page away");
}

#[tokio::test]
async fn an_unknown_message_is_absent_and_cannot_be_resent() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .expect(2)
        .mount(&server)
        .await;
    let management = management(&server);
    assert_eq!(management.message(organization_id, Uuid::now_v7(), AttemptPage::default()).await, Ok(None));
    assert_eq!(management.resend(organization_id, Uuid::now_v7(), None).await, Err(RepoError::NotFound));
}

async fn serve_message(server: &MockServer, app: &str, event_id: Uuid) {
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/{event_id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_out(event_id, "msg_1")))
        .expect(1)
        .mount(server)
        .await;
}

async fn expect_resends(server: &MockServer, app: &str, endpoint_id: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{app}/msg/msg_1/endpoint/{endpoint_id}/resend")))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn resending_to_one_endpoint_calls_its_resend_path() {
    let server = MockServer::start().await;
    let (organization_id, event_id) = (Uuid::now_v7(), Uuid::now_v7());
    let app = app_path(organization_id);
    serve_message(&server, &app, event_id).await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    expect_resends(&server, &app, "ep_1", 1).await;

    let resent = management(&server).resend(organization_id, event_id, Some("ep_1".into())).await;
    assert_eq!(resent, Ok(1));
}

#[tokio::test]
async fn resending_to_a_disabled_endpoint_is_a_conflict() {
    let server = MockServer::start().await;
    let (organization_id, event_id) = (Uuid::now_v7(), Uuid::now_v7());
    let app = app_path(organization_id);
    serve_message(&server, &app, event_id).await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, true)))
        .expect(1)
        .mount(&server)
        .await;
    expect_resends(&server, &app, "ep_1", 0).await;

    let resent = management(&server).resend(organization_id, event_id, Some("ep_1".into())).await;
    assert!(matches!(&resent, Err(RepoError::Conflict(c)) if c.code == "endpoint_disabled"), "{resent:?}");
}

#[tokio::test]
async fn resending_to_everyone_reaches_the_enabled_subscribed_endpoints_only() {
    let server = MockServer::start().await;
    let (organization_id, event_id) = (Uuid::now_v7(), Uuid::now_v7());
    let app = app_path(organization_id);
    serve_message(&server, &app, event_id).await;
    let endpoints = vec![
        endpoint_out("ep_all", None, false),
        endpoint_out("ep_other", Some(&[DELETED]), false),
        endpoint_out("ep_off", None, true),
        endpoint_out("ep_created", Some(&[DELETED, CREATED]), false),
    ];
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(endpoints, None, true)))
        .expect(1)
        .mount(&server)
        .await;
    for (endpoint_id, times) in [("ep_all", 1), ("ep_other", 0), ("ep_off", 0), ("ep_created", 1)] {
        expect_resends(&server, &app, endpoint_id, times).await;
    }

    assert_eq!(management(&server).resend(organization_id, event_id, None).await, Ok(2));
}
