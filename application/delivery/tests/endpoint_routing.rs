//! Which endpoints an event goes to (`Endpoint::receives`, the twin of the store's SQL rule):
//! every domain event to an endpoint subscribed to everything, an operational event only to the
//! endpoints that name it and never to the endpoint it is about.

use chrono::Utc;
use kaiten_delivery::ports::delivery::{Endpoint, MessageEvent};
use kaiten_delivery::{EndpointId, SigningSecret, WebhookUrl};
use kaiten_domain::EventKind;
use uuid::Uuid;

fn endpoint(events: Vec<EventKind>) -> Endpoint {
    Endpoint {
        id: EndpointId::new(Uuid::now_v7()),
        organization_id: Uuid::now_v7(),
        url: WebhookUrl::stored("https://hooks.example.com".to_owned()),
        description: String::new(),
        events,
        scope: Default::default(),
        disabled: false,
        secret: SigningSecret::new("whsec_a".to_owned()),
        previous_secret: None,
        headers: vec![],
        paused_until: None,
        rate_limit: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn event(kind: EventKind, about_endpoint: Option<EndpointId>) -> MessageEvent {
    MessageEvent { kind, customer_id: None, about_endpoint, test: false }
}

#[test]
fn operational_events_go_only_to_endpoints_naming_them_and_never_to_their_subject() {
    let everything = endpoint(vec![]);
    let watcher = endpoint(vec![EventKind::WebhookEndpointDisabled]);
    let subject = endpoint(vec![EventKind::CustomerCreation, EventKind::WebhookEndpointDisabled]);
    let disabled = event(EventKind::WebhookEndpointDisabled, Some(subject.id));
    assert!(everything.receives(event(EventKind::CustomerCreation, None)));
    assert!(!everything.receives(disabled), "not part of every event");
    assert!(watcher.receives(disabled));
    assert!(!subject.receives(disabled), "never the endpoint it is about");
    assert!(subject.receives(event(EventKind::WebhookEndpointDisabled, Some(watcher.id))));
    assert!(!watcher.receives(event(EventKind::WebhookEndpointEnabled, Some(subject.id))), "only those named");
}
