use super::*;
use crate::error::RepoError;
use crate::ports::delivery::{MockDeliveryScheduler, MockWebhookStore, MockWebhookTransport, WebhookResponse};
use futures::executor::block_on;
use kaiten_domain::EventKind;
use kaiten_domain::webhook::AttemptStatus;
use std::sync::Mutex;
use uuid::Uuid;

fn endpoint(url: &str, disabled: bool) -> StoredEndpoint {
    StoredEndpoint {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        url: url.into(),
        description: String::new(),
        events: vec![],
        disabled,
        secret: "whsec_c2VjcmV0".into(),
        previous_secret: None,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    }
}

fn event() -> WebhookEvent {
    WebhookEvent {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        kind: EventKind::CustomerCreation,
        data: serde_json::json!({"name": "Acme"}),
        traceparent: None,
    }
}

fn settings() -> DeliverySettings {
    DeliverySettings { retry_schedule: vec![Duration::from_secs(5)], jitter: 0.2, ..DeliverySettings::default() }
}

fn answer(request: &crate::ports::delivery::WebhookRequest) -> WebhookResponse {
    let status_code = if request.url.ends_with("/ok") { 200 } else { 500 };
    WebhookResponse { status_code: Some(status_code), body: String::new(), duration: Duration::ZERO, refused: false }
}

#[test]
fn each_subscribed_endpoint_gets_one_attempt_and_a_failure_is_scheduled_on_the_schedule() {
    let (ok, failing) = (endpoint("https://a.example/ok", false), endpoint("https://b.example/fail", false));
    let failing_id = failing.id;
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(move |m| Ok((m.body.clone(), vec![ok.clone(), failing.clone()])));
    let recorded: Arc<Mutex<Vec<AttemptRecord>>> = Arc::default();
    let sink = recorded.clone();
    store.expect_record_attempts().times(1).returning(move |attempts, _| {
        sink.lock().map(|mut all| all.extend_from_slice(attempts)).unwrap_or(());
        Ok(vec![])
    });
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().times(2).returning(|request| answer(&request));
    let mut scheduler = MockDeliveryScheduler::new();
    scheduler
        .expect_schedule()
        .times(1)
        .withf(move |task, tier, delay| {
            task.endpoint_id == failing_id
                && task.attempt == 2
                && *tier == Duration::from_secs(5)
                && (Duration::from_secs(4)..=Duration::from_secs(6)).contains(delay)
        })
        .returning(|_, _, _| Ok(()));
    let engine = DeliveryEngine::new(Arc::new(store), Arc::new(transport), Arc::new(scheduler), settings());
    assert_eq!(block_on(engine.send(&event())), Ok(()));
    let mut statuses: Vec<(AttemptStatus, Option<u16>)> =
        recorded.lock().map(|all| all.iter().map(|a| (a.status, a.response_status_code)).collect()).unwrap_or_default();
    statuses.sort_by_key(|(_, code)| *code);
    assert_eq!(statuses, [(AttemptStatus::Success, Some(200)), (AttemptStatus::Fail, Some(500))]);
}

#[test]
fn a_store_failure_is_transient_and_nothing_is_sent() {
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(|_| Err(RepoError::Unavailable("down".into())));
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().never();
    let engine =
        DeliveryEngine::new(Arc::new(store), Arc::new(transport), Arc::new(MockDeliveryScheduler::new()), settings());
    assert!(matches!(block_on(engine.send(&event())), Err(SendError::Transient { .. })));
}

#[test]
fn a_scheduled_attempt_to_a_disabled_endpoint_is_dropped_but_a_resend_goes_out() {
    let disabled = endpoint("https://a.example/ok", true);
    let message = NewMessage {
        id: Uuid::now_v7(),
        organization_id: disabled.organization_id,
        kind: EventKind::CustomerCreation,
        body: "{}".into(),
    };
    let mut store = MockWebhookStore::new();
    let target = (message.clone(), disabled.clone());
    store.expect_delivery_target().returning(move |_, _| Ok(Some(target.clone())));
    store.expect_record_attempts().times(1).returning(|_, _| Ok(vec![]));
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().times(1).returning(|request| answer(&request));
    let engine =
        DeliveryEngine::new(Arc::new(store), Arc::new(transport), Arc::new(MockDeliveryScheduler::new()), settings());
    let retry = DeliveryTask { message_id: message.id, endpoint_id: disabled.id, attempt: 2, resend: false };
    assert_eq!(block_on(engine.run_task(retry)), Ok(()));
    assert_eq!(block_on(engine.run_task(DeliveryTask { resend: true, ..retry })), Ok(()));
}
