use super::*;
use crate::endpoint::EndpointId;
use crate::ports::delivery::{
    Accepted, Lease, MockDeliveryScheduler, MockWebhookStore, MockWebhookTransport, WebhookRequest, WebhookResponse,
};
use futures::executor::block_on;
use kaiten_domain::EventKind;
use kaiten_domain::webhook::AttemptStatus;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

fn endpoint(url: &str, disabled: bool) -> Endpoint {
    Endpoint { disabled, ..super::super::fixtures::endpoint(url) }
}

fn claim(endpoint: &Endpoint, attempt: u32) -> Claim {
    let lease = if attempt == 1 { Lease::Message(Uuid::now_v7()) } else { Lease::Delivery(Uuid::now_v7()) };
    Claim { endpoint: endpoint.clone(), attempt, lease }
}

fn event() -> WebhookEvent {
    WebhookEvent {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        kind: EventKind::CustomerCreation,
        data: serde_json::json!({"name": "Acme"}),
        traceparent: None,
        naming: kaiten_domain::EventNaming::Classic,
        timestamp: kaiten_domain::clock::now(),
        previous_attributes: None,
        customer: None,
    }
}

fn message() -> NewMessage {
    NewMessage {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        kind: EventKind::CustomerCreation,
        customer_id: None,
        about_endpoint: None,
        body: "{}".into(),
    }
}

fn settings() -> DeliverySettings {
    DeliverySettings { retry_schedule: vec![Duration::from_secs(5)], jitter: 0.2, ..DeliverySettings::default() }
}

fn answer(request: &WebhookRequest) -> WebhookResponse {
    let status_code = if request.url.as_str().ends_with("/ok") { 200 } else { 500 };
    WebhookResponse {
        status_code: Some(status_code),
        body: Vec::new(),
        duration: Duration::ZERO,
        refused: false,
        retry_after: None,
    }
}

fn answering_transport(times: usize) -> MockWebhookTransport {
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().times(times).returning(|request| answer(&request));
    transport
}

fn engine(
    store: MockWebhookStore,
    transport: MockWebhookTransport,
    scheduler: MockDeliveryScheduler,
) -> DeliveryEngine {
    DeliveryEngine::new(Arc::new(store), Arc::new(transport), Arc::new(scheduler), settings())
}

/// Keeps what the store was asked to settle.
fn settling(store: &mut MockWebhookStore) -> Arc<Mutex<Vec<Settlement>>> {
    let settled: Arc<Mutex<Vec<Settlement>>> = Arc::default();
    let sink = settled.clone();
    store.expect_settle().returning(move |settlements, _| {
        sink.lock().map(|mut all| all.extend_from_slice(settlements)).unwrap_or(());
        Ok(vec![])
    });
    settled
}

#[test]
fn each_claimed_delivery_gets_one_attempt_and_a_failure_is_scheduled_before_it_is_settled() {
    let (ok, failing) = (endpoint("https://a.example/ok", false), endpoint("https://b.example/fail", false));
    let claims = vec![claim(&ok, 1), claim(&failing, 1)];
    let leases: Vec<Lease> = claims.iter().map(|c| c.lease).collect();
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().times(1).returning(move |m, lease| {
        assert_eq!(lease, Duration::from_secs(35), "twice the request timeout, and 5 s");
        Ok(Accepted { body: m.body.clone(), claims: claims.clone(), claimed_elsewhere_until: None })
    });
    let settled = settling(&mut store);
    let failing_id = failing.id;
    let mut scheduler = MockDeliveryScheduler::new();
    let before = clock::now();
    scheduler
        .expect_schedule()
        .times(1)
        .withf(move |task| {
            let due = task.due_at().map(|due| (due - before).num_milliseconds()).unwrap_or_default();
            task.endpoint_id == failing_id && task.attempt == 2 && !task.resend && (3_900..=6_100).contains(&due)
        })
        .returning(|_| Ok(()));
    assert_eq!(block_on(engine(store, answering_transport(2), scheduler).send(&event())), Ok(()));

    let settled = settled.lock().map(|all| all.clone()).unwrap_or_default();
    let mut outcomes: Vec<(Option<AttemptStatus>, bool, bool)> = settled
        .iter()
        .map(|s| {
            let retry = matches!(s.next, NextStep::RetryAt(_));
            (s.attempt.as_ref().map(|a| a.status), retry, s.lease.is_some_and(|l| leases.contains(&l)))
        })
        .collect();
    outcomes.sort_by_key(|(status, ..)| format!("{status:?}"));
    assert_eq!(outcomes, [(Some(AttemptStatus::Fail), true, true), (Some(AttemptStatus::Success), false, true)]);
}

#[test]
fn an_attempt_whose_retry_cannot_be_scheduled_is_not_settled_and_the_broker_is_named() {
    let (ok, failing) = (endpoint("https://a.example/ok", false), endpoint("https://b.example/fail", false));
    // Chain attempts (each under its own delivery's claim): the success is stored, the failure whose
    // retry could not be scheduled is not.
    let claims = vec![claim(&ok, 2), claim(&failing, 3)];
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(move |m, _| {
        Ok(Accepted { body: m.body.clone(), claims: claims.clone(), claimed_elsewhere_until: None })
    });
    let settled = settling(&mut store);
    let mut scheduler = MockDeliveryScheduler::new();
    scheduler.expect_schedule().returning(|_| Err(BusError::Unavailable("connection reset".into())));
    let mut settings = settings();
    settings.retry_schedule = vec![Duration::from_secs(1); 5];
    let engine = DeliveryEngine::new(Arc::new(store), Arc::new(answering_transport(2)), Arc::new(scheduler), settings);
    let sent = block_on(engine.send(&event()));
    assert!(matches!(sent, Err(SendError::Unavailable { dependency: "broker", .. })), "{sent:?}");
    let settled = settled.lock().map(|all| all.clone()).unwrap_or_default();
    assert_eq!(settled.len(), 1, "only the success, whose next step needs nothing scheduled");
    assert_eq!(settled[0].next, NextStep::Done);
}

#[test]
fn an_unavailable_store_is_an_outage_and_nothing_is_sent() {
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(|_, _| Err(RepoError::Unavailable("down".into())));
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().never();
    let sent = block_on(engine(store, transport, MockDeliveryScheduler::new()).send(&event()));
    assert!(matches!(sent, Err(SendError::Unavailable { dependency: "database", .. })), "{sent:?}");
}

#[test]
fn first_attempts_made_by_another_process_are_looked_at_again_after_its_claim() {
    let until = clock::now() + chrono::Duration::seconds(30);
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(move |m, _| {
        Ok(Accepted { body: m.body.clone(), claims: vec![], claimed_elsewhere_until: Some(until) })
    });
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().never();
    let sent = block_on(engine(store, transport, MockDeliveryScheduler::new()).send(&event()));
    let Err(SendError::Later { after: wait, .. }) = sent else { panic!("no retry is spent: {sent:?}") };
    assert!((Duration::from_secs(29)..=Duration::from_secs(32)).contains(&wait), "{wait:?}");
}

#[test]
fn a_stale_task_sends_nothing_and_a_claimed_one_attempts_its_number() {
    let target = endpoint("https://a.example/ok", false);
    let stale = DeliveryTask {
        message_id: Uuid::now_v7(),
        endpoint_id: target.id,
        attempt: 2,
        resend: false,
        due_at_ms: None,
        rate_slot_ms: None,
    };
    let mut store = MockWebhookStore::new();
    store
        .expect_claim_task()
        .withf(move |task, _| task.message_id == stale.message_id)
        .returning(|_, _| Ok(TaskClaim::Stale));
    let live = DeliveryTask { message_id: Uuid::now_v7(), ..stale };
    let claimed = claim(&target, 4);
    store
        .expect_claim_task()
        .withf(move |task, _| task.message_id == live.message_id)
        .returning(move |_, _| Ok(TaskClaim::Claimed(Box::new((message(), claimed.clone())))));
    let settled = settling(&mut store);
    let engine = engine(store, answering_transport(1), MockDeliveryScheduler::new());
    assert_eq!(block_on(engine.run_task(stale)), Ok(()));
    assert_eq!(block_on(engine.run_task(live)), Ok(()));
    let settled = settled.lock().map(|all| all.clone()).unwrap_or_default();
    assert_eq!(settled.iter().filter_map(|s| s.attempt.as_ref().map(|a| a.attempt)).collect::<Vec<_>>(), [4]);
}

#[test]
fn a_task_whose_delivery_is_held_elsewhere_is_looked_at_again_within_a_second() {
    let task = DeliveryTask {
        message_id: Uuid::now_v7(),
        endpoint_id: EndpointId::new(Uuid::now_v7()),
        attempt: 2,
        resend: false,
        due_at_ms: None,
        rate_slot_ms: None,
    };
    let until = clock::now() + chrono::Duration::seconds(40);
    let mut store = MockWebhookStore::new();
    store.expect_claim_task().returning(move |_, _| Ok(TaskClaim::ClaimedElsewhere(until)));
    let mut scheduler = MockDeliveryScheduler::new();
    let now = clock::now();
    scheduler
        .expect_schedule()
        .times(1)
        .withf(move |again| {
            let due = again.due_at().map(|due| (due - now).num_milliseconds()).unwrap_or_default();
            again.attempt == 2 && (900..=1_200).contains(&due)
        })
        .returning(|_| Ok(()));
    let mut transport = MockWebhookTransport::new();
    transport.expect_post().never();
    assert_eq!(block_on(engine(store, transport, scheduler).run_task(task)), Ok(()));
}

#[test]
fn a_task_handed_back_before_it_is_due_is_scheduled_again_without_a_claim() {
    let due = clock::now() + chrono::Duration::seconds(90);
    let task = DeliveryTask {
        message_id: Uuid::now_v7(),
        endpoint_id: EndpointId::new(Uuid::now_v7()),
        attempt: 3,
        resend: false,
        due_at_ms: Some(due.timestamp_millis()),
        rate_slot_ms: None,
    };
    let mut store = MockWebhookStore::new();
    store.expect_claim_task().never();
    let mut scheduler = MockDeliveryScheduler::new();
    scheduler.expect_schedule().times(1).withf(move |again| *again == task).returning(|_| Ok(()));
    let engine = engine(store, MockWebhookTransport::new(), scheduler);
    assert_eq!(block_on(engine.run_task(task)), Ok(()));
}

#[test]
fn a_resend_goes_out_even_to_a_disabled_endpoint_and_never_moves_the_chain() {
    let disabled = endpoint("https://a.example/ok", true);
    let message = NewMessage { organization_id: disabled.organization_id, ..message() };
    let mut store = MockWebhookStore::new();
    let target = (message.clone(), disabled.clone());
    store.expect_delivery_target().returning(move |_, _| Ok(Some(target.clone())));
    store.expect_claim_task().never();
    let settled = settling(&mut store);
    let engine = engine(store, answering_transport(1), MockDeliveryScheduler::new());
    let resend = DeliveryTask {
        message_id: message.id,
        endpoint_id: disabled.id,
        attempt: 1,
        resend: true,
        due_at_ms: None,
        rate_slot_ms: None,
    };
    assert_eq!(block_on(engine.run_task(resend)), Ok(()));
    let settled = settled.lock().map(|all| all.clone()).unwrap_or_default();
    assert_eq!((settled.len(), settled[0].lease, settled[0].next), (1, None, NextStep::Done));
}

#[test]
fn first_attempts_whose_retry_cannot_be_scheduled_are_not_settled_at_all() {
    let (ok, failing) = (endpoint("https://a.example/ok", false), endpoint("https://b.example/fail", false));
    let claims = vec![claim(&ok, 1), claim(&failing, 1)];
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().returning(move |m, _| {
        Ok(Accepted { body: m.body.clone(), claims: claims.clone(), claimed_elsewhere_until: None })
    });
    store.expect_settle().never();
    let mut scheduler = MockDeliveryScheduler::new();
    scheduler.expect_schedule().returning(|_| Err(BusError::Unavailable("connection reset".into())));
    let sent = block_on(engine(store, answering_transport(2), scheduler).send(&event()));
    assert!(matches!(sent, Err(SendError::Unavailable { dependency: "broker", .. })), "{sent:?}");
}

#[test]
fn a_paused_endpoint_gets_no_attempt_and_its_delivery_waits_for_the_pause() {
    let mut paused = endpoint("https://a.example/ok", false);
    let until = clock::now() + chrono::Duration::seconds(30);
    paused.paused_until = Some(until);
    let claims = vec![claim(&paused, 1)];
    let mut store = MockWebhookStore::new();
    store.expect_accept_message().times(1).returning(move |m, _| {
        Ok(Accepted { body: m.body.clone(), claims: claims.clone(), claimed_elsewhere_until: None })
    });
    let settled = settling(&mut store);
    let mut scheduler = MockDeliveryScheduler::new();
    scheduler
        .expect_schedule()
        .times(1)
        .withf(move |task| task.attempt == 1 && task.due_at_ms == Some(until.timestamp_millis()))
        .returning(|_| Ok(()));
    assert_eq!(block_on(engine(store, answering_transport(0), scheduler).send(&event())), Ok(()));
    let settled = settled.lock().map(|all| all.clone()).unwrap_or_default();
    assert_eq!(settled.len(), 1);
    assert_eq!((settled[0].next, settled[0].attempt.is_none()), (NextStep::DeferredTo(until), true));
}
