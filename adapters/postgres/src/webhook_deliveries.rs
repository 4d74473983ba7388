//! Claims: on a message for its first attempts (`webhook_messages`), on a delivery for each later one
//! (`webhook_deliveries`). A claim sets a fresh `lease_id` and `lease_until` in one conditional
//! statement, so of any number of processes trying at once exactly one gets it; the holder's
//! settlement is applied only while its lease is still the row's.

use crate::errors::repo_error;
use crate::prepared::Prepare;
use crate::webhook_endpoints::EndpointRow;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Integer, Interval, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::{Claim, DeliveryTask, Endpoint, Lease, NewMessage};
use kaiten_domain::EventKind;
use std::sync::LazyLock;
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
        Claim { endpoint: self.endpoint.into_stored(), attempt, lease: Lease::Delivery(self.lease_id) }
    }
}

fn interval(lease: Duration) -> diesel::data_types::PgInterval {
    diesel::data_types::PgInterval::from_microseconds(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX))
}

/// Whether endpoint `e` is enabled and subscribed to event `{event}`, whatever its customer scope: an
/// endpoint subscribed to every event gets every domain event; an operational one only if named. The
/// operational names are filled in once, from the catalog.
static NAMED: LazyLock<String> = LazyLock::new(|| {
    let operational: Vec<&str> = EventKind::all().filter(|kind| kind.is_operational()).map(EventKind::name).collect();
    format!(
        "NOT e.disabled \
         AND ({{event}} = ANY (e.event_names) \
              OR (cardinality(e.event_names) = 0 AND NOT {{event}} = ANY ('{{{}}}'::text[])))",
        operational.join(",")
    )
});

/// Whether endpoint `e` receives event `{event}` concerning customer `{customer}` (NULL:
/// organization-wide) and about endpoint `{about}` (NULL but for operational events): [`NAMED`] and
/// admitted by its customer scope, the SQL twin of `Endpoint::receives`.
static SUBSCRIBED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} \
         AND (cardinality(e.customer_ids) = 0 OR {{customer}} = ANY (e.customer_ids) \
              OR ({{customer}} IS NULL AND e.include_organization_events)) \
         AND e.id IS DISTINCT FROM {{about}}",
        NAMED.as_str()
    )
});

/// [`SUBSCRIBED`] for the event named by `event`, the customer `customer` and the endpoint `about`
/// (SQL expressions).
pub(crate) fn subscribed(event: &str, customer: &str, about: &str) -> String {
    SUBSCRIBED.replace("{event}", event).replace("{customer}", customer).replace("{about}", about)
}

/// A message as stored, and whether this hand-over holds the claim on its first attempts.
pub(crate) struct Stored {
    pub(crate) body: String,
    pub(crate) organization_id: Uuid,
    /// The claim on the first attempts, when this hand-over got it.
    pub(crate) lease: Option<Uuid>,
    /// Another process holds that claim until then.
    pub(crate) claimed_until: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct MessageClaim {
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = SqlUuid)]
    organization_id: Uuid,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    lease_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    lease_until: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    claimed: bool,
}

/// Stores the message, claimed for its first attempts, unless it is there already; then claims them
/// if they were not made and no live claim holds them. One round trip for a new message.
pub(crate) async fn store_and_claim(
    conn: &mut AsyncPgConnection,
    message: &NewMessage,
    lease: Duration,
) -> Result<Stored, RepoError> {
    let inserted: Option<MessageClaim> = diesel::sql_query(
        "INSERT INTO webhook_messages (id, organization_id, event_name, event_type, body, lease_id, lease_until, \
           customer_id, about_endpoint_id) \
         VALUES ($1, $2, $3, $4, $5, gen_random_uuid(), now() + $6, $7, $8) ON CONFLICT (id) DO NOTHING \
         RETURNING body, organization_id, lease_id, lease_until, true AS claimed",
    )
    .bind::<SqlUuid, _>(message.id)
    .bind::<SqlUuid, _>(message.organization_id)
    .bind::<Text, _>(message.kind.name())
    .bind::<Text, _>(message.kind.event_type())
    .bind::<Text, _>(&message.body)
    .bind::<Interval, _>(interval(lease))
    .bind::<Nullable<SqlUuid>, _>(message.customer_id)
    .bind::<Nullable<SqlUuid>, _>(message.about_endpoint.map(EndpointId::as_uuid))
    .prepared()
    .get_result(conn)
    .await
    .optional_row()?;
    let row = match inserted {
        Some(row) => row,
        // Handed over before: claim the first attempts if they were never settled and the claim on
        // them lapsed; otherwise read who holds them.
        None => diesel::sql_query(
            "WITH claimed AS ( \
               UPDATE webhook_messages SET lease_id = gen_random_uuid(), lease_until = now() + $2 \
               WHERE id = $1 AND dispatched_at IS NULL AND (lease_until IS NULL OR lease_until < now()) \
               RETURNING id, lease_id, lease_until) \
             SELECT m.body, m.organization_id, \
               COALESCE(c.lease_id, CASE WHEN m.dispatched_at IS NULL THEN m.lease_id END) AS lease_id, \
               COALESCE(c.lease_until, CASE WHEN m.dispatched_at IS NULL THEN m.lease_until END) AS lease_until, \
               c.id IS NOT NULL AS claimed \
             FROM webhook_messages m LEFT JOIN claimed c ON c.id = m.id WHERE m.id = $1",
        )
        .bind::<SqlUuid, _>(message.id)
        .bind::<Interval, _>(interval(lease))
        .get_result(conn)
        .await
        .map_err(repo_error)?,
    };
    let (lease, claimed_until) = if row.claimed { (row.lease_id, None) } else { (None, row.lease_until) };
    Ok(Stored { body: row.body, organization_id: row.organization_id, lease, claimed_until })
}

/// The enabled endpoints of an organization subscribed to `event`, whatever their customer scope, in
/// the order they were made: a message's first attempts go to those of them that `Endpoint::receives`
/// it, so one read serves every message of a batch with that organization and event.
pub(crate) async fn named_endpoints(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    event: EventKind,
) -> Result<Vec<Endpoint>, RepoError> {
    let rows: Vec<EndpointRow> = diesel::sql_query(format!(
        "SELECT e.* FROM webhook_endpoints e WHERE e.organization_id = $1 AND {} ORDER BY e.created_at",
        NAMED.replace("{event}", "$2")
    ))
    .bind::<SqlUuid, _>(organization_id)
    .bind::<Text, _>(event.name())
    .prepared()
    .load(conn)
    .await
    .map_err(repo_error)?;
    Ok(rows.into_iter().map(EndpointRow::into_stored).collect())
}

/// Marks the first attempts of a message made when there were none to make (no endpoint receives it).
pub(crate) async fn dispatched_without_attempts(
    conn: &mut AsyncPgConnection,
    message_id: Uuid,
    lease: Uuid,
) -> Result<(), RepoError> {
    diesel::sql_query(
        "UPDATE webhook_messages SET dispatched_at = now(), lease_id = NULL, lease_until = NULL \
         WHERE id = $1 AND lease_id = $2",
    )
    .bind::<SqlUuid, _>(message_id)
    .bind::<SqlUuid, _>(lease)
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(repo_error)
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
        subscribed("m.event_name", "m.customer_id", "m.about_endpoint_id")
    ))
    .bind::<SqlUuid, _>(task.message_id)
    .bind::<SqlUuid, _>(task.endpoint_id.as_uuid())
    .bind::<Integer, _>(i32::try_from(task.attempt).unwrap_or(i32::MAX))
    .bind::<Interval, _>(interval(lease))
    .prepared()
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
        subscribed("m.event_name", "m.customer_id", "m.about_endpoint_id")
    ))
    .bind::<SqlUuid, _>(task.message_id)
    .bind::<SqlUuid, _>(task.endpoint_id.as_uuid())
    .get_result(conn)
    .await
    .optional_row()?;
    let Some(row) = row else { return first_attempts_state(conn, task).await };
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
            .bind::<SqlUuid, _>(task.endpoint_id.as_uuid())
            .execute(conn)
            .await
            .map_err(repo_error)?;
            Ok(Unclaimable::Stale)
        }
        // The attempt before this task was settled between the claim and this look: claim again.
        _ => Ok(Unclaimable::ClaimableNow),
    }
}

/// A task for a delivery that had no chain a moment ago: its message's first attempts are still
/// being made and settled under a live claim (the task came back first), or they were settled since
/// (the chain is there now: claim again), or the task is stale.
async fn first_attempts_state(conn: &mut AsyncPgConnection, task: &DeliveryTask) -> Result<Unclaimable, RepoError> {
    #[derive(QueryableByName)]
    struct State {
        #[diesel(sql_type = Nullable<Timestamptz>)]
        held_until: Option<DateTime<Utc>>,
        #[diesel(sql_type = Bool)]
        chained: bool,
    }
    let state: Option<State> = diesel::sql_query(
        "SELECT CASE WHEN m.dispatched_at IS NULL AND m.lease_until >= now() THEN m.lease_until END AS held_until, \
           EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = m.id AND d.endpoint_id = $2) AS chained \
         FROM webhook_messages m WHERE m.id = $1",
    )
    .bind::<SqlUuid, _>(task.message_id)
    .bind::<SqlUuid, _>(task.endpoint_id.as_uuid())
    .get_result(conn)
    .await
    .optional_row()?;
    Ok(match state {
        Some(State { chained: true, .. }) => Unclaimable::ClaimableNow,
        Some(State { held_until: Some(until), .. }) => Unclaimable::ClaimedUntil(until),
        _ => Unclaimable::Stale,
    })
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_subscription_rule_names_the_operational_events_and_takes_its_three_expressions() {
        let rule = super::subscribed("$2", "$3::uuid", "$4::uuid");
        let operational =
            "'{WEBHOOK_ENDPOINT_DISABLED,WEBHOOK_ENDPOINT_ENABLED,WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED}'::text[]";
        assert!(rule.contains(&format!("NOT $2 = ANY ({operational})")), "{rule}");
        assert!(
            rule.contains("$3::uuid = ANY (e.customer_ids)") && rule.ends_with("IS DISTINCT FROM $4::uuid"),
            "{rule}"
        );
        assert!(!rule.contains("{event}") && !rule.contains("{customer}") && !rule.contains("{about}"), "{rule}");
    }
}
