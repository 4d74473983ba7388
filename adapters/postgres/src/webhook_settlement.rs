//! Settling a batch of deliveries in one statement: the attempts are recorded (those of endpoints
//! deleted meanwhile are dropped, so one deleted endpoint never fails the others), each delivery moves
//! on under the claim it was attempted with, a successful resend ends its delivery's chain, and the
//! endpoints' failing streaks are updated (disabling those failing too long or answering 410); an
//! endpoint disabled and a delivery whose retries ran out are reported as operational events.

use crate::errors::repo_error;
use crate::operational_events as operational;
use crate::prepared::Prepare;
use crate::webhook_settlement_columns::{AttemptColumns, Exhausted, FirstAttempts, Moves, Streaks};
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::{AttemptRecord, Lease, NextStep, Settlement};
use kaiten_domain::webhook_operational::DisableReason;
use std::sync::LazyLock;
use uuid::Uuid;

/// The settling statement (built once: the operational events' SQL comes from the catalog).
static SETTLE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH recorded AS ( \
           INSERT INTO webhook_attempts (id, organization_id, message_id, endpoint_id, url, attempt, status, \
             response_status_code, response_body, response_body_encoding, duration_ms, created_at) \
           SELECT a.* FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             AS a (id, organization_id, message_id, endpoint_id, url, attempt, status, code, body, encoding, \
                   duration_ms, at) \
           WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = a.endpoint_id) \
             AND EXISTS (SELECT 1 FROM webhook_messages m WHERE m.id = a.message_id) \
           RETURNING 1), \
         moved AS ( \
           UPDATE webhook_deliveries d SET state = m.state, attempts = COALESCE(m.attempts, d.attempts), \
             next_attempt_at = m.next_attempt_at, lease_id = NULL, lease_until = NULL, updated_at = now() \
           FROM unnest($13, $14, $15, $16, $17, $18) \
             AS m (message_id, endpoint_id, lease, state, attempts, next_attempt_at) \
           WHERE d.message_id = m.message_id AND d.endpoint_id = m.endpoint_id AND d.lease_id = m.lease \
           RETURNING d.message_id, d.endpoint_id, d.state), \
         dispatched AS ( \
           UPDATE webhook_messages m SET dispatched_at = now(), lease_id = NULL, lease_until = NULL \
           FROM unnest($25, $26) AS f (id, lease) WHERE m.id = f.id AND m.lease_id = f.lease \
           RETURNING m.id, m.organization_id), \
         chains AS ( \
           INSERT INTO webhook_deliveries \
             (message_id, endpoint_id, organization_id, state, attempts, next_attempt_at) \
           SELECT c.message_id, c.endpoint_id, d.organization_id, c.state, COALESCE(c.attempts, 0), c.next_attempt_at \
           FROM unnest($27, $28, $29, $30, $31) AS c (message_id, endpoint_id, state, attempts, next_attempt_at) \
           JOIN dispatched d ON d.id = c.message_id \
           WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = c.endpoint_id) \
           ON CONFLICT (message_id, endpoint_id) DO NOTHING \
           RETURNING message_id, endpoint_id, state), \
         resent AS ( \
           INSERT INTO webhook_deliveries (message_id, endpoint_id, organization_id, state) \
           SELECT m.id, e.id, m.organization_id, 'succeeded' \
           FROM unnest($19, $20) AS r (message_id, endpoint_id) \
           JOIN webhook_messages m ON m.id = r.message_id JOIN webhook_endpoints e ON e.id = r.endpoint_id \
           ON CONFLICT (message_id, endpoint_id) DO UPDATE SET state = 'succeeded', next_attempt_at = NULL, \
             lease_id = NULL, lease_until = NULL, updated_at = now() \
           WHERE webhook_deliveries.state = 'pending' \
           RETURNING 1), \
         cleared AS ( \
           UPDATE webhook_endpoints SET failing_since = NULL \
           WHERE id = ANY ($21) AND failing_since IS NOT NULL RETURNING 1), \
         locked AS (SELECT id, disabled AS was_disabled FROM webhook_endpoints WHERE id = ANY ($22) \
           ORDER BY id FOR NO KEY UPDATE), \
         failing AS ( \
           UPDATE webhook_endpoints e SET \
             failing_since = COALESCE(e.failing_since, now()), \
             disabled = e.disabled OR e.id = ANY ($23) OR COALESCE(e.failing_since < $24, false), \
             updated_at = CASE WHEN NOT e.disabled AND (e.id = ANY ($23) OR COALESCE(e.failing_since < $24, false)) \
                          THEN now() ELSE e.updated_at END \
             , paused_until = GREATEST(e.paused_until, p.until) \
           FROM locked AS before \
           LEFT JOIN (SELECT id, max(until) AS until FROM unnest($32::uuid[], $33::timestamptz[]) AS q (id, until) \
             GROUP BY id) AS p ON p.id = before.id \
           WHERE e.id = before.id \
           RETURNING e.id, e.organization_id, e.url, e.failing_since, e.id = ANY ($23) AS gone, \
             e.disabled AND NOT before.was_disabled AS newly_disabled), \
         disabled_events AS ({}), \
         exhausted_events AS ({}) \
         SELECT id FROM failing WHERE newly_disabled",
        operational::endpoint_disabled(
            "failing",
            &format!(
                "CASE WHEN s.gone THEN {} ELSE {} END",
                operational::reason(DisableReason::Gone),
                operational::reason(DisableReason::Failing)
            ),
            "s.newly_disabled"
        ),
        operational::message_attempt_exhausted(
            "(SELECT x.* FROM unnest($34, $35, $36, $37, $38, $39) \
               AS x (message_id, endpoint_id, attempt_id, attempt, code, at) \
             WHERE EXISTS (SELECT 1 FROM (SELECT * FROM moved UNION ALL SELECT * FROM chains) f \
               WHERE f.message_id = x.message_id AND f.endpoint_id = x.endpoint_id AND f.state = 'failed'))"
        )
    )
});

/// Everything in one statement (its parts see one snapshot and commit together): one round trip per
/// batch, however many deliveries it settles.
pub(crate) async fn settle(
    conn: &mut AsyncPgConnection,
    settlements: &[Settlement],
    cutoff: DateTime<Utc>,
) -> Result<Vec<EndpointId>, RepoError> {
    #[derive(diesel::QueryableByName)]
    struct Disabled {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let records: Vec<&AttemptRecord> = settlements.iter().filter_map(|s| s.attempt.as_ref()).collect();
    let attempts = AttemptColumns::of(&records);
    let moves = Moves::of(settlements, |lease| match lease {
        Lease::Delivery(lease) => Some(lease),
        Lease::Message(_) => None,
    });
    // The first attempts of a message: its claim is released as they are marked made, and each that
    // must go on starts its chain, under the same claim.
    let chains = Moves::of(settlements, |lease| match lease {
        Lease::Message(lease) => Some(lease),
        Lease::Delivery(_) => None,
    });
    let mut first = FirstAttempts::default();
    for (message_id, lease) in chains.message_id.iter().zip(&chains.lease) {
        if !first.message_id.contains(message_id) {
            first.message_id.push(*message_id);
            first.lease.push(*lease);
        }
    }
    let chains = chains.without_done();
    let resent: Vec<&Settlement> =
        settlements.iter().filter(|s| s.lease.is_none() && s.next == NextStep::Done).collect();
    let streaks = Streaks::of(&records);
    // Endpoints that asked for a pause (429/503 with Retry-After): each is among the failed ones.
    let pauses: Vec<(Uuid, DateTime<Utc>)> =
        records.iter().filter_map(|r| r.pause_endpoint_until.map(|until| (r.endpoint_id.as_uuid(), until))).collect();
    let exhausted = Exhausted::of(settlements);
    let disabled: Vec<Disabled> = diesel::sql_query(SETTLE.as_str())
        .bind::<Array<SqlUuid>, _>(attempts.id)
        .bind::<Array<SqlUuid>, _>(attempts.organization_id)
        .bind::<Array<SqlUuid>, _>(attempts.message_id)
        .bind::<Array<SqlUuid>, _>(attempts.endpoint_id)
        .bind::<Array<Text>, _>(attempts.url)
        .bind::<Array<Integer>, _>(attempts.attempt)
        .bind::<Array<Text>, _>(attempts.status)
        .bind::<Array<Nullable<Integer>>, _>(attempts.code)
        .bind::<Array<Text>, _>(attempts.body)
        .bind::<Array<Text>, _>(attempts.encoding)
        .bind::<Array<BigInt>, _>(attempts.duration_ms)
        .bind::<Array<Timestamptz>, _>(attempts.at)
        .bind::<Array<SqlUuid>, _>(moves.message_id)
        .bind::<Array<SqlUuid>, _>(moves.endpoint_id)
        .bind::<Array<SqlUuid>, _>(moves.lease)
        .bind::<Array<Text>, _>(moves.state)
        .bind::<Array<Nullable<Integer>>, _>(moves.attempts)
        .bind::<Array<Nullable<Timestamptz>>, _>(moves.next_attempt_at)
        .bind::<Array<SqlUuid>, _>(resent.iter().map(|s| s.message_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(resent.iter().map(|s| s.endpoint_id.as_uuid()).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(streaks.succeeded)
        .bind::<Array<SqlUuid>, _>(streaks.failed)
        .bind::<Array<SqlUuid>, _>(streaks.gone)
        .bind::<Timestamptz, _>(cutoff)
        .bind::<Array<SqlUuid>, _>(first.message_id)
        .bind::<Array<SqlUuid>, _>(first.lease)
        .bind::<Array<SqlUuid>, _>(chains.message_id)
        .bind::<Array<SqlUuid>, _>(chains.endpoint_id)
        .bind::<Array<Text>, _>(chains.state)
        .bind::<Array<Nullable<Integer>>, _>(chains.attempts)
        .bind::<Array<Nullable<Timestamptz>>, _>(chains.next_attempt_at)
        .bind::<Array<SqlUuid>, _>(pauses.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(pauses.iter().map(|(_, until)| *until).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(exhausted.message_id)
        .bind::<Array<SqlUuid>, _>(exhausted.endpoint_id)
        .bind::<Array<SqlUuid>, _>(exhausted.attempt_id)
        .bind::<Array<Integer>, _>(exhausted.attempt)
        .bind::<Array<Nullable<Integer>>, _>(exhausted.code)
        .bind::<Array<Timestamptz>, _>(exhausted.at)
        .prepared()
        .load(conn)
        .await
        .map_err(repo_error)?;
    Ok(disabled.into_iter().map(|row| EndpointId::new(row.id)).collect())
}
