//! Svix's operational webhooks coming in, against a local HTTP server standing in for the Svix API
//! (for what the reports lack): only correctly signed, fresh reports are read; `endpoint.disabled`
//! and `message.attempt.exhausted` of a domain message become operational events, once per report;
//! everything else is acknowledged and ignored.

mod support;

use kaiten_application::ports::operational_events::{
    InboxError, InboxOutcome, MockOperationalEventLog, OperationalWebhookInbox, SignedWebhook,
};
use kaiten_application::ports::webhooks::MockEventOwners;
use kaiten_contract::operational::{DisableReason, EndpointDisabled, MessageAttemptExhausted};
use kaiten_domain::EventKind;
use kaiten_domain::OutboxEvent;
use kaiten_svix::{SvixOperationalInbox, SvixWebhookSender};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::*;
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn signed(secret: &str, id: &str, timestamp: i64, body: &Value) -> SignedWebhook {
    let body = body.to_string().into_bytes();
    let signer = svix::webhooks::Webhook::new(secret).unwrap_or_else(|e| panic!("{e}"));
    let signature = signer.sign(id, timestamp, &body).unwrap_or_else(|e| panic!("{e}"));
    SignedWebhook { id: id.into(), timestamp: timestamp.to_string(), signature, body }
}

fn now() -> i64 {
    kaiten_domain::clock::now().timestamp()
}

/// An inbox whose log keeps what it is given and writes each id once.
fn inbox(server: &MockServer) -> (SvixOperationalInbox, Arc<Mutex<Vec<OutboxEvent>>>) {
    let recorded = Arc::new(Mutex::new(Vec::<OutboxEvent>::new()));
    let mut log = MockOperationalEventLog::new();
    let kept = recorded.clone();
    log.expect_record().returning(move |event| {
        let mut kept = kept.lock().unwrap_or_else(|e| panic!("{e}"));
        let new = kept.iter().all(|earlier| earlier.id != event.id);
        if new {
            kept.push(event.clone());
        }
        Ok(new)
    });
    let sender = SvixWebhookSender::new("testsk_secret".into(), Some(server.uri()), Arc::new(MockEventOwners::new()));
    let inbox = SvixOperationalInbox::new(SECRET, &sender, Arc::new(log)).unwrap_or_else(|e| panic!("{e}"));
    (inbox, recorded)
}

async fn serve_endpoint(server: &MockServer, organization_id: Uuid, id: &str) {
    Mock::given(method("GET"))
        .and(path(format!("{}/endpoint/{id}", app_path(organization_id))))
        .respond_with(ResponseTemplate::new(200).set_body_json(endpoint_out(id, None, true)))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_disabled_endpoint_is_recorded_once_with_its_url() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    serve_endpoint(&server, organization_id, "ep_down").await;
    let (inbox, recorded) = inbox(&server);
    let report = json!({"type": "endpoint.disabled", "data": {"appId": "app_1", "appUid": organization_id,
        "endpointId": "ep_down", "endpointUid": null, "failSince": "2026-12-01T10:00:00Z"}});

    let first = inbox.receive(signed(SECRET, "msg_report_1", now(), &report)).await;
    let again = inbox.receive(signed(SECRET, "msg_report_1", now(), &report)).await;
    assert_eq!((first, again), (Ok(InboxOutcome::Recorded), Ok(InboxOutcome::AlreadyRecorded)));
    let recorded = recorded.lock().map(|events| events.clone()).unwrap_or_default();
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].kind, recorded[0].organization_id), (EventKind::WebhookEndpointDisabled, organization_id));
    let data: EndpointDisabled = serde_json::from_value(recorded[0].data.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((data.endpoint_id.as_str(), data.url.as_str()), ("ep_down", "https://hooks.example.com/ep_down"));
    assert_eq!(data.reason, DisableReason::Failing);
    assert_eq!(data.failing_since.map(|at| at.to_rfc3339()).as_deref(), Some("2026-12-01T10:00:00+00:00"));
}

#[tokio::test]
async fn a_wrong_signature_or_a_stale_timestamp_is_refused_before_anything_is_read() {
    let server = MockServer::start().await;
    let (inbox, recorded) = inbox(&server);
    let report = json!({"type": "endpoint.disabled", "data": {"appUid": Uuid::now_v7(), "endpointId": "ep_1"}});
    for webhook in [
        signed(OTHER_SECRET, "msg_1", now(), &report),
        signed(SECRET, "msg_1", now() - 3600, &report),
        SignedWebhook { signature: String::new(), ..signed(SECRET, "msg_1", now(), &report) },
        SignedWebhook { body: b"{}".to_vec(), ..signed(SECRET, "msg_1", now(), &report) },
    ] {
        let refused = inbox.receive(webhook).await;
        assert!(matches!(refused, Err(InboxError::Unauthenticated(_))), "{refused:?}");
    }
    let garbage = signed(SECRET, "msg_2", now(), &json!(["not", "a", "report"]));
    assert!(matches!(inbox.receive(garbage).await, Err(InboxError::Invalid(_))));
    assert!(requests(&server).await.is_empty(), "nothing was asked of Svix");
    assert!(recorded.lock().map(|events| events.is_empty()).unwrap_or(false));
}

#[tokio::test]
async fn an_exhausted_domain_message_is_recorded_and_tests_operational_messages_and_other_reports_are_not() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    serve_endpoint(&server, organization_id, "ep_down").await;
    let event_id = Uuid::now_v7();
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/msg_domain")))
        .respond_with(ResponseTemplate::new(200).set_body_json(message_out(event_id, "msg_domain")))
        .mount(&server)
        .await;
    let mut operational = message_out(Uuid::now_v7(), "msg_operational");
    operational["eventType"] = json!("com.kaiten.webhook.v1.endpoint_disabled");
    Mock::given(method("GET"))
        .and(path(format!("{app}/msg/msg_operational")))
        .respond_with(ResponseTemplate::new(200).set_body_json(operational))
        .mount(&server)
        .await;
    let mut manual = attempt_out("atmpt_4", "ep_down", 2, 500, "2026-12-01T12:03:00Z");
    manual["triggerType"] = json!(1);
    let attempts = (1..=3).map(|n| attempt_out(&format!("atmpt_{n}"), "ep_down", 2, 500, "2026-12-01T12:00:00Z"));
    Mock::given(method("GET"))
        .and(path(format!("{app}/attempt/msg/msg_domain")))
        .respond_with(ResponseTemplate::new(200).set_body_json(attempt_list(attempts.chain([manual]).collect())))
        .mount(&server)
        .await;
    let (inbox, recorded) = inbox(&server);
    let exhausted = |msg_id: &str, event_id: Option<Uuid>| {
        json!({"type": "message.attempt.exhausted", "data": {"appId": "app_1", "appUid": organization_id,
            "msgId": msg_id, "msgEventId": event_id, "endpointId": "ep_down",
            "lastAttempt": {"id": "atmpt_3", "responseStatusCode": 0, "timestamp": "2026-12-01T12:02:00Z"}}})
    };

    let domain = inbox.receive(signed(SECRET, "msg_r1", now(), &exhausted("msg_domain", Some(event_id)))).await;
    assert_eq!(domain, Ok(InboxOutcome::Recorded));
    let ignored = [
        signed(SECRET, "msg_r2", now(), &exhausted("msg_operational", Some(Uuid::now_v7()))),
        signed(SECRET, "msg_r3", now(), &exhausted("msg_test", None)),
        signed(SECRET, "msg_r4", now(), &json!({"type": "endpoint.created", "data": {"appUid": organization_id}})),
        signed(
            SECRET,
            "msg_r5",
            now(),
            &json!({"type": "endpoint.disabled", "data": {"appUid": "not-ours",
            "endpointId": "ep_down", "failSince": null}}),
        ),
    ];
    for webhook in ignored {
        assert_eq!(inbox.receive(webhook).await, Ok(InboxOutcome::Ignored));
    }
    let recorded = recorded.lock().map(|events| events.clone()).unwrap_or_default();
    assert_eq!(recorded.len(), 1, "only the domain message's report");
    assert_eq!(recorded[0].kind, EventKind::WebhookMessageAttemptExhausted);
    let data: MessageAttemptExhausted =
        serde_json::from_value(recorded[0].data.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((data.event_id, data.message_id.as_str()), (event_id, "msg_domain"));
    assert_eq!((data.event_name.as_str(), data.event_type.as_str()), ("CUSTOMER_CREATION", CREATED));
    assert_eq!(data.attempts, 3, "the scheduled attempts, not the manual one");
    assert_eq!((data.last_attempt.id.as_str(), data.last_attempt.response_status_code), ("atmpt_3", None));
}

#[tokio::test]
async fn a_manual_disable_is_left_to_kaiten_and_a_lookup_that_can_never_succeed_is_acknowledged() {
    let server = MockServer::start().await;
    let organization_id = Uuid::now_v7();
    let app = app_path(organization_id);
    let answer = |status: u16| ResponseTemplate::new(status).set_body_json(json!({"code": "x", "detail": "x"}));
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_refused")))
        .respond_with(answer(422))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{app}/endpoint/ep_outage")))
        .respond_with(answer(503))
        .mount(&server)
        .await;
    let (inbox, recorded) = inbox(&server);
    let report = |endpoint: &str, trigger: Value| {
        json!({"type": "endpoint.disabled", "data": {"appUid": organization_id, "endpointId": endpoint,
            "failSince": null, "trigger": trigger}})
    };

    let manual = inbox.receive(signed(SECRET, "msg_m", now(), &report("ep_any", json!("manual")))).await;
    assert_eq!(manual, Ok(InboxOutcome::Ignored), "Kaiten reports the disables made through its API itself");
    let refused = inbox.receive(signed(SECRET, "msg_r", now(), &report("ep_refused", json!("automatic")))).await;
    assert_eq!(refused, Ok(InboxOutcome::Ignored), "acknowledged: Svix retrying it would never help");
    let outage = inbox.receive(signed(SECRET, "msg_o", now(), &report("ep_outage", Value::Null))).await;
    assert!(matches!(outage, Err(InboxError::Unavailable(_))), "{outage:?}: Svix tries again later");
    assert!(recorded.lock().map(|events| events.is_empty()).unwrap_or(false));
}
