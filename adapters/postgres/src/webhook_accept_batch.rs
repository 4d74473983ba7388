//! Messages handed over at the same time, stored in one statement ([`crate::group_commit`]): one
//! commit for the batch instead of one per event, and the subscribed endpoints read once per
//! (organization, event) of the batch, each message going to those whose customer scope admits it. A message already stored (a redelivery, or the same event
//! twice in one batch) takes the one-by-one path, which claims its first attempts only if they were
//! never made and no live claim holds them; if the batched statement fails, every message of the
//! batch takes that path, so one bad message never fails the others.

use crate::connection::PgPool;
use crate::errors::repo_error;
use crate::group_commit::GroupCommit;
use crate::webhook_deliveries::{self as deliveries, Stored};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Interval, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::{Conflict, RepoError};
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::{Accepted, Claim, Endpoint, Lease, NewMessage};
use kaiten_domain::EventKind;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

/// The most messages stored in one batch.
const MAX_BATCH: usize = 128;

pub(crate) struct AcceptRequest {
    message: NewMessage,
    lease: Duration,
}

type Answer = Result<Accepted, RepoError>;

/// The endpoints subscribed to an event in an organization (whatever their customer scope).
type Audience = (Uuid, EventKind);

pub(crate) struct AcceptBatches {
    group: GroupCommit<AcceptRequest, Answer>,
}

impl AcceptBatches {
    pub(crate) fn new() -> Self {
        Self { group: GroupCommit::new(MAX_BATCH) }
    }

    /// Stores `message` (claimed for its first attempts) with whatever else is handed over now.
    pub(crate) async fn accept(&self, pool: &PgPool, message: &NewMessage, lease: Duration) -> Answer {
        let request = AcceptRequest { message: message.clone(), lease };
        self.group
            .submit(request, |batch| accept_batch(pool, batch))
            .await
            .unwrap_or_else(|_| Err(RepoError::Unavailable("the accepting batch was interrupted".into())))
    }
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    lease_id: Uuid,
}

/// Inserts the batch's new messages, each claimed; the ids inserted with their claims.
async fn insert_new(conn: &mut AsyncPgConnection, batch: &[AcceptRequest]) -> Result<HashMap<Uuid, Uuid>, RepoError> {
    let lease = batch.iter().map(|r| r.lease).max().unwrap_or_default();
    let micros = i64::try_from(lease.as_micros()).unwrap_or(i64::MAX);
    let column = |f: fn(&NewMessage) -> String| batch.iter().map(|r| f(&r.message)).collect::<Vec<_>>();
    let rows: Vec<Inserted> = diesel::sql_query(
        "INSERT INTO webhook_messages (id, organization_id, event_name, event_type, body, lease_id, lease_until, \
           customer_id, about_endpoint_id) \
         SELECT m.id, m.organization_id, m.event_name, m.event_type, m.body, gen_random_uuid(), now() + $6, \
           m.customer_id, m.about_endpoint_id \
         FROM unnest($1, $2, $3, $4, $5, $7, $8) \
           AS m (id, organization_id, event_name, event_type, body, customer_id, about_endpoint_id) \
         ON CONFLICT (id) DO NOTHING RETURNING id, lease_id",
    )
    .bind::<Array<SqlUuid>, _>(batch.iter().map(|r| r.message.id).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(batch.iter().map(|r| r.message.organization_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(column(|m| m.kind.name().to_owned()))
    .bind::<Array<Text>, _>(column(|m| m.kind.event_type().to_owned()))
    .bind::<Array<Text>, _>(column(|m| m.body.clone()))
    .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(micros))
    .bind::<Array<Nullable<SqlUuid>>, _>(batch.iter().map(|r| r.message.customer_id).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(
        batch.iter().map(|r| r.message.about_endpoint.map(EndpointId::as_uuid)).collect::<Vec<_>>(),
    )
    .load(conn)
    .await
    .map_err(repo_error)?;
    Ok(rows.into_iter().map(|row| (row.id, row.lease_id)).collect())
}

async fn accept_batch(pool: &PgPool, batch: Vec<AcceptRequest>) -> Vec<Answer> {
    let mut conn = match crate::connection::pooled(pool).await {
        Ok(conn) => conn,
        Err(error) => return batch.iter().map(|_| Err(error.clone())).collect(),
    };
    let inserted =
        if batch.len() > 1 { insert_new(&mut conn, &batch).await.unwrap_or_default() } else { HashMap::new() };
    let mut subscribers: HashMap<Audience, Vec<Endpoint>> = HashMap::new();
    let mut answered = HashSet::new();
    let mut answers = Vec::with_capacity(batch.len());
    for AcceptRequest { message, lease } in &batch {
        // The first request of an id inserted by the batch holds its claim; any other goes alone.
        let stored = match inserted.get(&message.id) {
            Some(&lease_id) if answered.insert(message.id) => Ok(Stored {
                body: message.body.clone(),
                organization_id: message.organization_id,
                lease: Some(lease_id),
                claimed_until: None,
            }),
            _ => deliveries::store_and_claim(&mut conn, message, *lease).await,
        };
        let answer = match stored {
            Ok(stored) => claims(&mut conn, message, stored, &mut subscribers).await,
            Err(error) => Err(error),
        };
        answers.push(answer);
    }
    answers
}

/// What a stored message's hand-over may attempt now.
async fn claims(
    conn: &mut AsyncPgConnection,
    message: &NewMessage,
    stored: Stored,
    subscribers: &mut HashMap<Audience, Vec<Endpoint>>,
) -> Answer {
    if stored.organization_id != message.organization_id {
        return Err(RepoError::Conflict(Conflict::new(
            "event_id_taken",
            format!("event {} belongs to another organization", message.id),
        )));
    }
    let Some(lease) = stored.lease else {
        return Ok(Accepted { body: stored.body, claims: Vec::new(), claimed_elsewhere_until: stored.claimed_until });
    };
    let key = (message.organization_id, message.kind);
    let endpoints = match subscribers.get(&key) {
        Some(endpoints) => endpoints,
        None => {
            let endpoints = deliveries::named_endpoints(conn, message.organization_id, message.kind).await?;
            subscribers.entry(key).or_insert(endpoints)
        }
    };
    let event = message.event(false);
    let claim = |endpoint: &Endpoint| Claim { endpoint: endpoint.clone(), attempt: 1, lease: Lease::Message(lease) };
    let claims: Vec<Claim> = endpoints.iter().filter(|endpoint| endpoint.receives(event)).map(claim).collect();
    if claims.is_empty() {
        deliveries::dispatched_without_attempts(conn, message.id, lease).await?;
    }
    Ok(Accepted { body: stored.body, claims, claimed_elsewhere_until: stored.claimed_until })
}
