//! Rows of `webhook_deliveries`: creating the deliveries of a message and claiming them. A claim sets
//! a fresh `lease_id` and `lease_until` in one conditional statement, so of any number of processes
//! trying at once exactly one gets it; the holder's settlement is applied only while its lease is
//! still the row's.

use crate::errors::repo_error;
use crate::webhook_endpoints::EndpointRow;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Integer, Interval, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_application::ports::delivery::{Claim, DeliveryTask, HeldDelivery};
use std::time::Duration;
use uuid::Uuid;

/// An endpoint row with the claim on its delivery.
#[derive(QueryableByName)]
struct ClaimRow {
    #[diesel(embed)]
    endpoint: EndpointRow,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = SqlUuid)]
    lease_id: Uuid,
}

impl ClaimRow {
    fn into_claim(self) -> Claim {
        let attempt = u32::try_from(self.attempts).unwrap_or(0) + 1;
        Claim { endpoint: self.endpoint.into_stored(), attempt, lease: self.lease_id }
    }
}

fn interval(lease: Duration) -> diesel::data_types::PgInterval {
    diesel::data_types::PgInterval::from_microseconds(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX))
}

/// Whether endpoint `e` receives event `$3`.
const SUBSCRIBED: &str = "NOT e.disabled AND (cardinality(e.event_names) = 0 OR $3 = ANY (e.event_names))";

/// Creates (claimed) the deliveries of the message to the subscribed endpoints that have none, and
/// claims its pending deliveries that are due and whose claim lapsed; both in one statement, whose
/// parts see the same snapshot, so a delivery is never claimed twice here.
pub(crate) async fn claim_new_and_lapsed(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
    organization_id: Uuid,
    event_name: &str,
    lease: Duration,
) -> Result<Vec<Claim>, RepoError> {
    let rows: Vec<ClaimRow> = diesel::sql_query(format!(
        "WITH created AS ( \
           INSERT INTO webhook_deliveries AS d \
             (message_id, endpoint_id, organization_id, state, attempts, next_attempt_at, lease_id, lease_until) \
           SELECT $1, e.id, e.organization_id, 'pending', 0, now(), gen_random_uuid(), now() + $4 \
           FROM webhook_endpoints e WHERE e.organization_id = $2 AND {SUBSCRIBED} \
           ON CONFLICT (message_id, endpoint_id) DO NOTHING \
           RETURNING d.endpoint_id, d.attempts, d.lease_id), \
         lapsed AS ( \
           UPDATE webhook_deliveries d SET lease_id = gen_random_uuid(), lease_until = now() + $4, updated_at = now() \
           FROM webhook_endpoints e \
           WHERE d.message_id = $1 AND e.id = d.endpoint_id AND e.organization_id = $2 AND {SUBSCRIBED} \
             AND d.state = 'pending' AND d.next_attempt_at <= now() \
             AND (d.lease_until IS NULL OR d.lease_until < now()) \
           RETURNING d.endpoint_id, d.attempts, d.lease_id) \
         SELECT e.*, c.attempts, c.lease_id \
         FROM (SELECT * FROM created UNION ALL SELECT * FROM lapsed) c \
         JOIN webhook_endpoints e ON e.id = c.endpoint_id ORDER BY e.created_at"
    ))
    .bind::<SqlUuid, _>(message_id)
    .bind::<SqlUuid, _>(organization_id)
    .bind::<Text, _>(event_name)
    .bind::<Interval, _>(interval(lease))
    .load(conn)
    .await
    .map_err(repo_error)?;
    Ok(rows.into_iter().map(ClaimRow::into_claim).collect())
}

/// The due, pending deliveries of the message that a live claim holds (another process is attempting
/// them, or died doing so).
pub(crate) async fn claimed_elsewhere(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
) -> Result<Vec<HeldDelivery>, RepoError> {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = SqlUuid)]
        endpoint_id: Uuid,
        #[diesel(sql_type = Integer)]
        attempts: i32,
        #[diesel(sql_type = Timestamptz)]
        lease_until: DateTime<Utc>,
    }
    let rows: Vec<Held> = diesel::sql_query(
        "SELECT endpoint_id, attempts, lease_until FROM webhook_deliveries \
         WHERE message_id = $1 AND state = 'pending' AND next_attempt_at <= now() AND lease_until >= now()",
    )
    .bind::<SqlUuid, _>(message_id)
    .load(conn)
    .await
    .map_err(repo_error)?;
    Ok(rows
        .into_iter()
        .map(|row| HeldDelivery {
            endpoint_id: row.endpoint_id,
            attempt: u32::try_from(row.attempts).unwrap_or(0) + 1,
            until: row.lease_until,
        })
        .collect())
}

/// Claims the delivery of `task` if the task is its next attempt, nobody holds it and its endpoint
/// still receives the event.
pub(crate) async fn claim_task(
    conn: &mut AsyncPgConnection,
    task: &DeliveryTask,
    lease: Duration,
) -> Result<Option<Claim>, RepoError> {
    let row: Option<ClaimRow> = diesel::sql_query(format!(
        "UPDATE webhook_deliveries d SET lease_id = gen_random_uuid(), lease_until = now() + $4, updated_at = now() \
         FROM webhook_endpoints e, webhook_messages m \
         WHERE d.message_id = $1 AND d.endpoint_id = $2 AND e.id = d.endpoint_id AND m.id = d.message_id \
           AND d.state = 'pending' AND d.attempts = $3 - 1 \
           AND (d.lease_until IS NULL OR d.lease_until < now()) \
           AND {} \
         RETURNING e.*, d.attempts, d.lease_id",
        SUBSCRIBED.replace("$3", "m.event_name")
    ))
    .bind::<SqlUuid, _>(task.message_id)
    .bind::<SqlUuid, _>(task.endpoint_id)
    .bind::<Integer, _>(i32::try_from(task.attempt).unwrap_or(i32::MAX))
    .bind::<Interval, _>(interval(lease))
    .get_result(conn)
    .await
    .optional_row()?;
    Ok(row.map(ClaimRow::into_claim))
}

/// Why the delivery of an unclaimable task is not the task's to make.
pub(crate) enum Unclaimable {
    /// Another process holds it until then.
    ClaimedUntil(DateTime<Utc>),
    /// The task is stale (or its delivery is gone).
    Stale,
    /// It is the task's after all: its holder settled it between the claim and this look.
    ClaimableNow,
}

/// After a failed claim: held by a live claim (the task waits for it), or stale. A pending delivery
/// whose endpoint is disabled or no longer subscribed ends there (`failed`).
pub(crate) async fn why_unclaimable(
    conn: &mut AsyncPgConnection,
    task: &DeliveryTask,
) -> Result<Unclaimable, RepoError> {
    #[derive(QueryableByName)]
    struct State {
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Integer)]
        attempts: i32,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        lease_until: Option<DateTime<Utc>>,
        #[diesel(sql_type = Bool)]
        receives: bool,
        #[diesel(sql_type = Timestamptz)]
        now: DateTime<Utc>,
    }
    let row: Option<State> = diesel::sql_query(format!(
        "SELECT d.state, d.attempts, d.lease_until, ({}) AS receives, now() AS now \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         JOIN webhook_messages m ON m.id = d.message_id \
         WHERE d.message_id = $1 AND d.endpoint_id = $2",
        SUBSCRIBED.replace("$3", "m.event_name")
    ))
    .bind::<SqlUuid, _>(task.message_id)
    .bind::<SqlUuid, _>(task.endpoint_id)
    .get_result(conn)
    .await
    .optional_row()?;
    let Some(row) = row else { return Ok(Unclaimable::Stale) };
    let previous = i32::try_from(task.attempt).unwrap_or(i32::MAX) - 1;
    // A later attempt was made already, or the chain ended: the task is stale.
    if row.state != "pending" || row.attempts > previous {
        return Ok(Unclaimable::Stale);
    }
    match row.lease_until {
        // Held: the task's own attempt is being made elsewhere, or the attempt before it (which
        // scheduled this task) is still being settled.
        Some(until) if until >= row.now => Ok(Unclaimable::ClaimedUntil(until)),
        _ if row.attempts < previous => Ok(Unclaimable::Stale),
        _ if !row.receives => {
            diesel::sql_query(
                "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, lease_id = NULL, \
                   lease_until = NULL, updated_at = now() \
                 WHERE message_id = $1 AND endpoint_id = $2 AND state = 'pending'",
            )
            .bind::<SqlUuid, _>(task.message_id)
            .bind::<SqlUuid, _>(task.endpoint_id)
            .execute(conn)
            .await
            .map_err(repo_error)?;
            Ok(Unclaimable::Stale)
        }
        // The attempt before this task was settled between the claim and this look: claim again.
        _ => Ok(Unclaimable::ClaimableNow),
    }
}

/// `get_result` of at most one row: `None` when there is none.
trait OptionalRow<T> {
    fn optional_row(self) -> Result<Option<T>, RepoError>;
}

impl<T> OptionalRow<T> for Result<T, diesel::result::Error> {
    fn optional_row(self) -> Result<Option<T>, RepoError> {
        match self {
            Ok(row) => Ok(Some(row)),
            Err(diesel::result::Error::NotFound) => Ok(None),
            Err(error) => Err(repo_error(error)),
        }
    }
}
