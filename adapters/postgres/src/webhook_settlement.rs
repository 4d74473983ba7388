//! Settling a batch of deliveries in one transaction: the attempts are recorded (those of endpoints
//! deleted meanwhile are dropped, so one deleted endpoint never fails the others), each delivery moves
//! on under the claim it was attempted with, a successful resend ends its delivery's chain, and the
//! endpoints' failing streaks are updated (disabling those failing too long or answering 410).

use crate::errors::repo_error;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_application::ports::delivery::{AttemptRecord, NextStep, Settlement};
use kaiten_domain::webhook::AttemptStatus;
use uuid::Uuid;

pub(crate) async fn settle(
    conn: &mut AsyncPgConnection,
    settlements: &[Settlement],
    cutoff: DateTime<Utc>,
) -> Result<Vec<Uuid>, RepoError> {
    let attempts: Vec<&AttemptRecord> = settlements.iter().filter_map(|s| s.attempt.as_ref()).collect();
    let moves = Moves::of(settlements);
    let resent: Vec<&Settlement> =
        settlements.iter().filter(|s| s.lease.is_none() && s.next == NextStep::Done).collect();
    let streaks = Streaks::of(&attempts);
    let attempts = AttemptColumns::of(&attempts);
    conn.transaction::<Vec<Uuid>, diesel::result::Error, _>(async move |conn| {
        attempts.insert(conn).await?;
        moves.apply(conn).await?;
        for settlement in resent {
            end_with_success(conn, settlement).await?;
        }
        streaks.apply(conn, cutoff).await
    })
    .await
    .map_err(repo_error)
}

/// The attempts as columns, inserted in one statement.
struct AttemptColumns {
    id: Vec<Uuid>,
    organization_id: Vec<Uuid>,
    message_id: Vec<Uuid>,
    endpoint_id: Vec<Uuid>,
    url: Vec<String>,
    attempt: Vec<i32>,
    status: Vec<String>,
    code: Vec<Option<i32>>,
    body: Vec<String>,
    encoding: Vec<String>,
    duration_ms: Vec<i64>,
    at: Vec<DateTime<Utc>>,
}

impl AttemptColumns {
    fn of(records: &[&AttemptRecord]) -> Self {
        Self {
            id: records.iter().map(|r| r.id).collect(),
            organization_id: records.iter().map(|r| r.organization_id).collect(),
            message_id: records.iter().map(|r| r.message_id).collect(),
            endpoint_id: records.iter().map(|r| r.endpoint_id).collect(),
            url: records.iter().map(|r| r.url.clone()).collect(),
            attempt: records.iter().map(|r| i32::try_from(r.attempt).unwrap_or(i32::MAX)).collect(),
            status: records.iter().map(|r| r.status.as_str().to_owned()).collect(),
            code: records.iter().map(|r| r.response_status_code.map(i32::from)).collect(),
            body: records.iter().map(|r| r.response_body.clone()).collect(),
            encoding: records.iter().map(|r| r.response_body_encoding.as_str().to_owned()).collect(),
            duration_ms: records.iter().map(|r| i64::try_from(r.duration.as_millis()).unwrap_or(i64::MAX)).collect(),
            at: records.iter().map(|r| r.at).collect(),
        }
    }

    async fn insert(self, conn: &mut AsyncPgConnection) -> Result<(), diesel::result::Error> {
        if self.id.is_empty() {
            return Ok(());
        }
        diesel::sql_query(
            "INSERT INTO webhook_attempts (id, organization_id, message_id, endpoint_id, url, attempt, status, \
               response_status_code, response_body, response_body_encoding, duration_ms, created_at) \
             SELECT a.* FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
               AS a (id, organization_id, message_id, endpoint_id, url, attempt, status, code, body, encoding, \
                     duration_ms, at) \
             WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = a.endpoint_id) \
               AND EXISTS (SELECT 1 FROM webhook_messages m WHERE m.id = a.message_id)",
        )
        .bind::<Array<SqlUuid>, _>(self.id)
        .bind::<Array<SqlUuid>, _>(self.organization_id)
        .bind::<Array<SqlUuid>, _>(self.message_id)
        .bind::<Array<SqlUuid>, _>(self.endpoint_id)
        .bind::<Array<Text>, _>(self.url)
        .bind::<Array<Integer>, _>(self.attempt)
        .bind::<Array<Text>, _>(self.status)
        .bind::<Array<Nullable<Integer>>, _>(self.code)
        .bind::<Array<Text>, _>(self.body)
        .bind::<Array<Text>, _>(self.encoding)
        .bind::<Array<BigInt>, _>(self.duration_ms)
        .bind::<Array<Timestamptz>, _>(self.at)
        .execute(conn)
        .await
        .map(|_| ())
    }
}

/// How each claimed delivery moves on, as columns: applied only where the claim is still the row's.
struct Moves {
    message_id: Vec<Uuid>,
    endpoint_id: Vec<Uuid>,
    lease: Vec<Uuid>,
    state: Vec<String>,
    /// The automatic attempts made so far (unchanged by a deferral).
    attempts: Vec<Option<i32>>,
    next_attempt_at: Vec<Option<DateTime<Utc>>>,
}

impl Moves {
    fn of(settlements: &[Settlement]) -> Self {
        let mut moves = Self {
            message_id: Vec::new(),
            endpoint_id: Vec::new(),
            lease: Vec::new(),
            state: Vec::new(),
            attempts: Vec::new(),
            next_attempt_at: Vec::new(),
        };
        for settlement in settlements {
            let Some(lease) = settlement.lease else { continue };
            let (state, next) = match settlement.next {
                NextStep::Done => ("succeeded", None),
                NextStep::GiveUp => ("failed", None),
                NextStep::RetryAt(at) | NextStep::DeferredTo(at) => ("pending", Some(at)),
            };
            moves.message_id.push(settlement.message_id);
            moves.endpoint_id.push(settlement.endpoint_id);
            moves.lease.push(lease);
            moves.state.push(state.to_owned());
            moves.attempts.push(settlement.attempt.as_ref().map(|a| i32::try_from(a.attempt).unwrap_or(i32::MAX)));
            moves.next_attempt_at.push(next);
        }
        moves
    }

    async fn apply(self, conn: &mut AsyncPgConnection) -> Result<(), diesel::result::Error> {
        if self.lease.is_empty() {
            return Ok(());
        }
        diesel::sql_query(
            "UPDATE webhook_deliveries d SET state = m.state, attempts = COALESCE(m.attempts, d.attempts), \
               next_attempt_at = m.next_attempt_at, lease_id = NULL, lease_until = NULL, updated_at = now() \
             FROM unnest($1, $2, $3, $4, $5, $6) AS m (message_id, endpoint_id, lease, state, attempts, next_attempt_at) \
             WHERE d.message_id = m.message_id AND d.endpoint_id = m.endpoint_id AND d.lease_id = m.lease",
        )
        .bind::<Array<SqlUuid>, _>(self.message_id)
        .bind::<Array<SqlUuid>, _>(self.endpoint_id)
        .bind::<Array<SqlUuid>, _>(self.lease)
        .bind::<Array<Text>, _>(self.state)
        .bind::<Array<Nullable<Integer>>, _>(self.attempts)
        .bind::<Array<Nullable<Timestamptz>>, _>(self.next_attempt_at)
        .execute(conn)
        .await
        .map(|_| ())
    }
}

/// A successful resend ends the delivery's chain (or records that it succeeded, for an endpoint that
/// had none), so that nothing more is sent to it for that message but another explicit resend.
async fn end_with_success(conn: &mut AsyncPgConnection, resent: &Settlement) -> Result<(), diesel::result::Error> {
    diesel::sql_query(
        "INSERT INTO webhook_deliveries (message_id, endpoint_id, organization_id, state) \
         SELECT m.id, e.id, m.organization_id, 'succeeded' FROM webhook_messages m, webhook_endpoints e \
         WHERE m.id = $1 AND e.id = $2 \
         ON CONFLICT (message_id, endpoint_id) DO UPDATE SET state = 'succeeded', next_attempt_at = NULL, \
           lease_id = NULL, lease_until = NULL, updated_at = now() \
         WHERE webhook_deliveries.state = 'pending'",
    )
    .bind::<SqlUuid, _>(resent.message_id)
    .bind::<SqlUuid, _>(resent.endpoint_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The endpoints whose failing streak ends, goes on or starts.
struct Streaks {
    succeeded: Vec<Uuid>,
    failed: Vec<Uuid>,
    gone: Vec<Uuid>,
}

impl Streaks {
    fn of(attempts: &[&AttemptRecord]) -> Self {
        let ids = |keep: &dyn Fn(&AttemptRecord) -> bool| {
            attempts.iter().filter(|a| keep(a)).map(|a| a.endpoint_id).collect()
        };
        Self {
            succeeded: ids(&|a| a.status == AttemptStatus::Success),
            failed: ids(&|a| a.status != AttemptStatus::Success),
            gone: ids(&|a| a.disable_endpoint),
        }
    }

    /// Clears the streak of the endpoints that succeeded; disables those that failed and answered
    /// 410 or fail since before `cutoff`, and starts a streak for the others. Returns the disabled.
    async fn apply(
        self,
        conn: &mut AsyncPgConnection,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, diesel::result::Error> {
        #[derive(diesel::QueryableByName)]
        struct Disabled {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        if !self.succeeded.is_empty() {
            diesel::sql_query(
                "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY ($1) AND failing_since IS NOT NULL",
            )
            .bind::<Array<SqlUuid>, _>(self.succeeded)
            .execute(conn)
            .await?;
        }
        if self.failed.is_empty() {
            return Ok(Vec::new());
        }
        let disabled: Vec<Disabled> = diesel::sql_query(
            "UPDATE webhook_endpoints SET disabled = true, updated_at = now() \
             WHERE id = ANY ($1) AND NOT disabled AND (id = ANY ($2) OR failing_since < $3) RETURNING id",
        )
        .bind::<Array<SqlUuid>, _>(&self.failed)
        .bind::<Array<SqlUuid>, _>(self.gone)
        .bind::<Timestamptz, _>(cutoff)
        .load(conn)
        .await?;
        diesel::sql_query(
            "UPDATE webhook_endpoints SET failing_since = now() WHERE id = ANY ($1) AND failing_since IS NULL",
        )
        .bind::<Array<SqlUuid>, _>(self.failed)
        .execute(conn)
        .await?;
        Ok(disabled.into_iter().map(|row| row.id).collect())
    }
}
