//! Operational events on the Svix backend, against a local HTTP server standing in for the Svix
//! API: the message goes on the own channels of its recipients (every subscriber but the endpoint it
//! is about), five a message; a recipient without room for its own channel gets a resend, once;
//! endpoints without channels get `all` first; a resend never goes to the subject; an update that
//! disables an endpoint is reported.

mod support;

use kaiten_application::ports::operational_events::MockOperationalEventLog;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_application::ports::webhooks::{MockEventOwners, WebhookEvent, WebhookSender};
use kaiten_contract::operational::{DisableReason, EndpointDisabled};
use kaiten_domain::webhook::{EndpointPatch, EndpointRef};
use kaiten_domain::{EventKind, EventNaming};
use kaiten_svix::SvixWebhookSender;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use support::*;
use uuid::Uuid;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DISABLED: &str = "com.kaiten.webhook.v1.endpoint_disabled";

fn sender(server: &MockServer) -> SvixWebhookSender {
    let mut owners = MockEventOwners::new();
    owners.expect_claim().returning(|_, _| Ok(true));
    SvixWebhookSender::new("testsk_secret".into(), Some(server.uri()), Arc::new(owners))
}

fn subscriber(id: &str, types: Option<&[&str]>, channels: Value, disabled: bool) -> Value {
    let mut endpoint = endpoint_out(id, types, disabled);
    endpoint["channels"] = channels;
    endpoint
}

fn disabled_event(organization_id: Uuid, about: &str) -> WebhookEvent {
    let data = EndpointDisabled {
        endpoint_id: about.into(),
        url: format!("https://hooks.example.com/{about}"),
        reason: DisableReason::Gone,
        failing_since: None,
        disabled_at: kaiten_domain::clock::now(),
    };
    WebhookEvent {
        id: Uuid::now_v7(),
        organization_id,
        kind: EventKind::WebhookEndpointDisabled,
        data: serde_json::to_value(data).unwrap_or_default(),
        traceparent: None,
        naming: EventNaming::Classic,
        timestamp: kaiten_domain::clock::now(),
        previous_attributes: None,
        customer: None,
    }
}

/// The paths and JSON bodies of the requests made with `method` whose path ends with `suffix`.
async fn sent(server: &MockServer, method: &str, suffix: &str) -> Vec<(String, Value)> {
    requests(server)
        .await
        .iter()
        .filter(|request| request.method.as_str() == method && request.url.path().ends_with(suffix))
        .map(|request| (request.url.path().to_owned(), serde_json::from_slice(&request.body).unwrap_or(Value::Null)))
        .collect()
}

#[tokio::test]
async fn an_operational_event_is_addressed_to_each_subscriber_but_its_subject_once() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let all = json!(["all"]);
    let ten: Vec<String> = (0..9).map(|n| format!("customer.c{n}")).chain(["organization".to_owned()]).collect();
    let mut endpoints = vec![
        subscriber("ep_subject", Some(&[DISABLED]), all.clone(), false),
        subscriber("ep_with_org_events", Some(&[DISABLED]), json!(["customer.c1", "organization"]), false),
        subscriber("ep_customers_only", Some(&[DISABLED]), json!(["customer.c1"]), false),
        subscriber("ep_every_domain_event", None, all.clone(), false),
        subscriber("ep_off", Some(&[DISABLED]), all.clone(), true),
        subscriber("ep_made_in_svix", Some(&[DISABLED]), Value::Null, false),
        subscriber("ep_addressed_before", Some(&[DISABLED]), json!(["all", "endpoint.ep_addressed_before"]), false),
        subscriber("ep_full", Some(&[DISABLED]), json!(ten), false),
    ];
    endpoints.extend((1..=3).map(|n| subscriber(&format!("ep_sub{n}"), Some(&[DISABLED]), all.clone(), false)));
    let by_id: BTreeMap<String, Value> = endpoints
        .iter()
        .map(|endpoint| (endpoint["id"].as_str().unwrap_or_default().to_owned(), endpoint.clone()))
        .collect();
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(endpoints, None, true)))
        .mount(&server)
        .await;
    // Each endpoint is read again just before its channels change.
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(format!("^{app}/endpoint/[^/]+$")))
        .respond_with(move |request: &wiremock::Request| {
            let id = request.url.path().rsplit('/').next().unwrap_or_default();
            by_id.get(id).map_or_else(|| ResponseTemplate::new(404), |e| ResponseTemplate::new(200).set_body_json(e))
        })
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(wiremock::matchers::path_regex(format!("^{app}/endpoint/[^/]+$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_x", None, false)))
        .mount(&server)
        .await;
    let event = disabled_event(organization_id, "ep_subject");
    let mut message = message_out(event.id, "msg_op");
    message["eventType"] = json!(DISABLED);
    Mock::given(method("POST"))
        .and(path(format!("{app}/msg")))
        .respond_with(ResponseTemplate::new(202).set_body_json(message.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/{}", event.id)))
        .respond_with(ResponseTemplate::new(200).set_body_json(message))
        .mount(&server)
        .await;
    // No room for its own channel: resent, once (the second time it has an attempt).
    Mock::given(method("GET"))
        .and(path(format!("{app}/attempt/msg/msg_op")))
        .and(query_param("endpoint_id", "ep_full"))
        .respond_with(ResponseTemplate::new(200).set_body_json(attempt_list(vec![])))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let attempted = attempt_list(vec![attempt_out("atmpt_1", "ep_full", 0, 200, "2026-12-01T12:00:00Z")]);
    Mock::given(method("GET"))
        .and(path(format!("{app}/attempt/msg/msg_op")))
        .respond_with(ResponseTemplate::new(200).set_body_json(attempted))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{app}/msg/msg_op/endpoint/ep_full/resend")))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let sender = sender(&server);
    let first = sender.send(&event).await;
    assert!(first.is_ok(), "{first:?}");
    let patched: BTreeMap<String, Value> = sent(&server, "PATCH", "")
        .await
        .into_iter()
        .map(|(path, body)| (path.rsplit('/').next().unwrap_or_default().to_owned(), body["channels"].clone()))
        .collect();
    let own = |id: &str| format!("endpoint.{id}");
    let expected = BTreeMap::from([
        ("ep_made_in_svix".to_owned(), json!(["all", own("ep_made_in_svix")])),
        ("ep_with_org_events".to_owned(), json!(["customer.c1", own("ep_with_org_events"), "organization"])),
        ("ep_sub1".to_owned(), json!(["all", own("ep_sub1")])),
        ("ep_sub2".to_owned(), json!(["all", own("ep_sub2")])),
        ("ep_sub3".to_owned(), json!(["all", own("ep_sub3")])),
    ]);
    assert_eq!(patched, expected, "recipients get their own channel, endpoints without channels `all`");
    let messages: Vec<(String, Value)> = sent(&server, "POST", "/msg")
        .await
        .into_iter()
        .map(|(_, body)| (body["eventId"].as_str().unwrap_or_default().to_owned(), body["channels"].clone()))
        .collect();
    let recipients = ["ep_addressed_before", "ep_made_in_svix", "ep_sub1", "ep_sub2", "ep_sub3", "ep_with_org_events"];
    let channels: Vec<String> = recipients.iter().map(|id| own(id)).collect();
    assert_eq!(
        messages,
        vec![(event.id.to_string(), json!(channels[..5])), (format!("{}.2", event.id), json!(channels[5..]))],
        "five channels a message; never the subject's, the disabled one's or one that does not name the event"
    );
    // Handed over again: the same messages (Svix keeps one per id) and the resend only if unattempted.
    let again = sender.send(&event).await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(sent(&server, "POST", "/msg").await.len(), 4, "the same two messages asked again");
    server.verify().await;
}

#[tokio::test]
async fn an_update_that_disables_an_endpoint_is_reported_as_a_manual_disable() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .and(body_partial_json(json!({"disabled": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, true)))
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;
    let mut log = MockOperationalEventLog::new();
    log.expect_record()
        .withf(move |event| {
            let data: Option<EndpointDisabled> = serde_json::from_value(event.data.clone()).ok();
            event.kind == EventKind::WebhookEndpointDisabled
                && event.organization_id == organization_id
                && data.is_some_and(|data| data.endpoint_id == "ep_1" && data.reason == DisableReason::Manual)
        })
        .times(1)
        .returning(|_| Ok(true));
    let management = management(&server).with_operational_log(Arc::new(log));
    let patch = EndpointPatch { disabled: Some(true), ..EndpointPatch::default() };
    let updated = management.update_endpoint(organization_id, &EndpointRef::new("ep_1"), patch).await;
    assert_eq!(updated.map(|endpoint| endpoint.map(|e| e.disabled)).ok(), Some(Some(true)));
}

#[tokio::test]
async fn a_resend_of_an_operational_event_never_goes_to_the_endpoint_it_is_about() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let event = disabled_event(organization_id, "ep_subject");
    let mut message = message_out(event.id, "msg_op");
    message["eventType"] = json!(DISABLED);
    message["payload"] = event.body();
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/{}", event.id)))
        .and(query_param("with_content", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message))
        .mount(&server)
        .await;
    let all = json!(["all"]);
    let subject = subscriber("ep_subject", Some(&[DISABLED]), all.clone(), false);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_subject")))
        .respond_with(ResponseTemplate::new(200).set_body_json(subject.clone()))
        .mount(&server)
        .await;
    let other = subscriber("ep_other", Some(&[DISABLED]), all, false);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint")))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_list(vec![subject, other], None, true)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{app}/msg/msg_op/endpoint/ep_other/resend")))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let to_subject = management(&server).resend(organization_id, event.id, Some(EndpointRef::new("ep_subject"))).await;
    assert!(
        matches!(&to_subject, Err(kaiten_application::RepoError::Conflict(c)) if c.code == "about_this_endpoint"),
        "{to_subject:?}"
    );
    let to_everyone = management(&server).resend(organization_id, event.id, None).await;
    assert_eq!(to_everyone.ok(), Some(1), "the other subscriber only");
    server.verify().await;
}

#[tokio::test]
async fn a_scope_change_keeps_the_endpoints_own_channel() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let customer = Uuid::now_v7();
    let current = subscriber("ep_1", Some(&[DISABLED]), json!(["all", "endpoint.ep_1"]), false);
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(current))
        .mount(&server)
        .await;
    let channels = json!([format!("customer.{customer}"), "endpoint.ep_1", "organization"]);
    Mock::given(method("PATCH"))
        .and(path(format!("{app}/endpoint/ep_1")))
        .and(body_partial_json(json!({"channels": channels})))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out("ep_1", None, false)))
        .expect(1)
        .mount(&server)
        .await;
    serve_secret(&server, &app, "ep_1", "whsec_abc").await;
    let patch = EndpointPatch {
        customers: Some(vec![customer]),
        include_organization_events: Some(true),
        ..EndpointPatch::default()
    };
    let updated = management(&server).update_endpoint(organization_id, &EndpointRef::new("ep_1"), patch).await;
    assert!(updated.is_ok(), "{updated:?}");
    server.verify().await;
}
