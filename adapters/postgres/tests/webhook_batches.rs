//! The built-in engine's store under concurrent calls, which it gathers into batches: every message
//! handed over at once is stored once and its first attempts claimed by exactly one hand-over (also
//! when the same event arrives twice in one batch), an id taken by another organization is refused,
//! settling them all at once records every attempt and marks every message made, and each message
//! goes to the endpoints that receive it (customer scope; an operational event never to the endpoint
//! it is about).

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_application::RepoError;
use kaiten_delivery::ports::delivery::{
    AttemptRecord, EndpointId, Lease, NewMessage, NextStep, Settlement, WebhookStore,
};
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{AttemptStatus, BodyEncoding};
use kaiten_postgres::PgWebhookStore;
use kaiten_test_support::TestDatabase;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const ACME: Uuid = Uuid::from_u128(0xa);
const GLOBEX: Uuid = Uuid::from_u128(0xb);
const ENDPOINT: Uuid = Uuid::from_u128(0xe);

#[derive(QueryableByName)]
struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    messages: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    made: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    attempts: i64,
}

fn message(id: Uuid, organization_id: Uuid) -> NewMessage {
    NewMessage {
        id,
        organization_id,
        kind: EventKind::CustomerCreation,
        customer_id: None,
        about_endpoint: None,
        body: format!(r#"{{"id":"{id}"}}"#),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_handed_over_at_once_are_claimed_once_each_and_settled_together() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 8).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, name, slug, created_at) VALUES ('{ACME}', 'Acme', 'acme', now()),
                                                                       ('{GLOBEX}', 'Globex', 'globex', now());
         INSERT INTO webhook_endpoints (id, organization_id, url, secret)
         VALUES ('{ENDPOINT}', '{ACME}', 'https://example.com/hook', 'whsec_c2VjcmV0');"
    ))
    .await?;
    let store = Arc::new(PgWebhookStore::new(pool));
    let ids: Vec<Uuid> = (0..40).map(|_| Uuid::now_v7()).collect();
    // Every message once, the first five twice more, and the first one claimed by Globex too.
    let mut handed: Vec<NewMessage> = ids.iter().map(|id| message(*id, ACME)).collect();
    handed.extend(ids[..5].iter().flat_map(|id| [message(*id, ACME), message(*id, ACME)]));
    handed.push(message(ids[0], GLOBEX));
    let calls: Vec<_> = handed
        .into_iter()
        .map(|message| {
            let store = store.clone();
            tokio::spawn(async move {
                let accepted = store.accept_message(&message, Duration::from_secs(60)).await;
                (message, accepted)
            })
        })
        .collect();
    let mut claims = Vec::new();
    let mut refused = 0;
    for call in calls {
        match call.await? {
            (message, Ok(accepted)) => claims.extend(accepted.claims.into_iter().map(|claim| (message.clone(), claim))),
            (message, Err(RepoError::Conflict(_))) if message.organization_id == GLOBEX => refused += 1,
            (message, Err(error)) => anyhow::bail!("{}: {error}", message.id),
        }
    }
    assert_eq!(refused, 1, "an id stored for Acme is refused for Globex");
    let mut claimed: Vec<Uuid> = claims.iter().map(|(message, _)| message.id).collect();
    claimed.sort();
    let mut wanted = ids.clone();
    wanted.sort();
    assert_eq!(claimed, wanted, "each message's first attempt claimed by exactly one hand-over");

    let settles: Vec<_> = claims
        .into_iter()
        .map(|(message, claim)| {
            let store = store.clone();
            let attempt = AttemptRecord {
                id: Uuid::now_v7(),
                organization_id: ACME,
                message_id: message.id,
                endpoint_id: claim.endpoint.id,
                url: "https://example.com/hook".into(),
                attempt: 1,
                status: AttemptStatus::Success,
                response_status_code: Some(204),
                response_body: String::new(),
                response_body_encoding: BodyEncoding::Text,
                duration: Duration::from_millis(3),
                at: chrono::Utc::now(),
                disable_endpoint: false,
                pause_endpoint_until: None,
            };
            let settlement = Settlement {
                message_id: message.id,
                endpoint_id: claim.endpoint.id,
                lease: Some(claim.lease),
                attempt: Some(attempt),
                next: NextStep::Done,
            };
            assert!(matches!(settlement.lease, Some(Lease::Message(_))));
            tokio::spawn(
                async move { store.settle(&[settlement], chrono::Utc::now() - chrono::TimeDelta::days(5)).await },
            )
        })
        .collect();
    for settle in settles {
        assert!(settle.await??.is_empty(), "nothing disabled");
    }
    let counts: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM webhook_messages) AS messages,
                (SELECT count(*) FROM webhook_messages WHERE dispatched_at IS NOT NULL) AS made,
                (SELECT count(*) FROM webhook_attempts) AS attempts",
    )
    .get_result(&mut conn)
    .await?;
    assert_eq!((counts.messages, counts.made, counts.attempts), (40, 40, 40));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_of_a_batch_goes_to_the_endpoints_whose_scope_admits_its_customer() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 8).await?;
    let mut conn = db.connect().await?;
    let (customer_a, customer_b) = (Uuid::now_v7(), Uuid::now_v7());
    let [every, only_a, a_and_organization, disabled, other_event, watcher, subject] =
        [1u128, 2, 3, 4, 5, 6, 7].map(Uuid::from_u128);
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, name, slug, created_at) VALUES ('{ACME}', 'Acme', 'acme', now());
         INSERT INTO webhook_endpoints (id, organization_id, url, secret, customer_ids, include_organization_events,
                                        disabled, event_names)
         VALUES ('{every}', '{ACME}', 'https://example.com/1', 'whsec_c2VjcmV0', '{{}}', false, false, '{{}}'),
                ('{only_a}', '{ACME}', 'https://example.com/2', 'whsec_c2VjcmV0', '{{{customer_a}}}', false, false, '{{}}'),
                ('{a_and_organization}', '{ACME}', 'https://example.com/3', 'whsec_c2VjcmV0', '{{{customer_a}}}', true,
                 false, '{{CUSTOMER_CREATION}}'),
                ('{disabled}', '{ACME}', 'https://example.com/4', 'whsec_c2VjcmV0', '{{}}', false, true, '{{}}'),
                ('{other_event}', '{ACME}', 'https://example.com/5', 'whsec_c2VjcmV0', '{{}}', false, false,
                 '{{CUSTOMER_UPDATE}}'),
                ('{watcher}', '{ACME}', 'https://example.com/6', 'whsec_c2VjcmV0', '{{}}', false, false,
                 '{{WEBHOOK_ENDPOINT_DISABLED}}'),
                ('{subject}', '{ACME}', 'https://example.com/7', 'whsec_c2VjcmV0', '{{}}', false, false,
                 '{{WEBHOOK_ENDPOINT_DISABLED}}');"
    ))
    .await?;
    let store = Arc::new(PgWebhookStore::new(pool));
    let customers = [Some(customer_a), Some(customer_b), None];
    let calls: Vec<_> = (0..30)
        .map(|n| {
            let (store, customer) = (store.clone(), customers[n % 3]);
            tokio::spawn(async move {
                let message = NewMessage { customer_id: customer, ..message(Uuid::now_v7(), ACME) };
                let accepted = store.accept_message(&message, Duration::from_secs(60)).await;
                (customer, accepted)
            })
        })
        .collect();
    for call in calls {
        let (customer, accepted) = call.await?;
        let mut endpoints: Vec<Uuid> = accepted?.claims.iter().map(|claim| claim.endpoint.id.as_uuid()).collect();
        endpoints.sort();
        let wanted = match customer {
            Some(id) if id == customer_a => vec![every, only_a, a_and_organization],
            Some(_) => vec![every],
            None => vec![every, a_and_organization],
        };
        assert_eq!(endpoints, wanted, "customer {customer:?}");
    }
    // An operational event goes only to the endpoints that name it, never to the one it is about.
    let disabled_event = NewMessage {
        kind: EventKind::WebhookEndpointDisabled,
        about_endpoint: Some(EndpointId::new(subject)),
        ..message(Uuid::now_v7(), ACME)
    };
    let accepted = store.accept_message(&disabled_event, Duration::from_secs(60)).await?;
    let endpoints: Vec<Uuid> = accepted.claims.iter().map(|claim| claim.endpoint.id.as_uuid()).collect();
    assert_eq!(endpoints, [watcher]);
    Ok(())
}
