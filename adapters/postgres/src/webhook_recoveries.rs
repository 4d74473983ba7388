//! Recoveries on the built-in engine's tables: `recover` reopens the endpoint's failed deliveries,
//! `replay` starts one for each message it receives but was never sent; each in one statement whose
//! conditions (`state = 'failed'`, no delivery nor attempt yet, `ON CONFLICT DO NOTHING`) take every
//! (message, endpoint) once however many recoveries run at the same time. `PgRecoveryLog` records
//! recoveries of either backend.

use crate::connection::PgPool;
use crate::errors::repo_error;
use crate::webhook_deliveries::subscribed;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_application::ports::webhook_management::{RecoveryLog, RecoveryRecord, RecoveryStart};
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryWindow};
use uuid::Uuid;

/// What a recovery took: the deliveries to attempt (message, attempt number) and whether more matched.
pub(crate) struct Taken {
    pub(crate) deliveries: Vec<(Uuid, u32)>,
    pub(crate) more: bool,
}

#[derive(QueryableByName)]
struct TakenRow {
    #[diesel(sql_type = Nullable<SqlUuid>)]
    message_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Integer>)]
    attempts: Option<i32>,
    #[diesel(sql_type = BigInt)]
    matched: i64,
}

const REOPEN_FAILED: &str = "picked AS ( \
       SELECT d.message_id FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id \
       WHERE d.endpoint_id = $1 AND d.state = 'failed' AND m.created_at >= $2 AND m.created_at < $3 \
       ORDER BY m.created_at, m.id LIMIT $4 + 1), \
     taken AS ( \
       UPDATE webhook_deliveries d SET state = 'pending', next_attempt_at = now(), lease_id = NULL, \
         lease_until = NULL, updated_at = now() \
       FROM (SELECT message_id FROM picked LIMIT $4) c \
       WHERE d.message_id = c.message_id AND d.endpoint_id = $1 AND d.state = 'failed' \
       RETURNING d.message_id, d.attempts)";

fn start_missing() -> String {
    format!(
        "picked AS ( \
           SELECT m.id AS message_id, e.organization_id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = $1 \
           WHERE m.organization_id = e.organization_id AND m.created_at >= $2 AND m.created_at < $3 \
             AND m.dispatched_at IS NOT NULL AND NOT m.test AND {} \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = m.id AND d.endpoint_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.message_id = m.id AND a.endpoint_id = $1) \
           ORDER BY m.created_at, m.id LIMIT $4 + 1), \
         taken AS ( \
           INSERT INTO webhook_deliveries (message_id, endpoint_id, organization_id, state, attempts, next_attempt_at) \
           SELECT message_id, $1, organization_id, 'pending', 0, now() FROM (SELECT * FROM picked LIMIT $4) c \
           ON CONFLICT DO NOTHING RETURNING message_id, attempts)",
        subscribed("m.event_name", "m.customer_id", "m.about_endpoint_id")
    )
}

/// Takes (at most `limit` of) the endpoint's messages in `window` for recovery `task_id`.
pub(crate) async fn take(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    task_id: Uuid,
    kind: RecoveryKind,
    window: RecoveryWindow,
    limit: usize,
) -> Result<Taken, RepoError> {
    let taking = match kind {
        RecoveryKind::Recover => REOPEN_FAILED.to_owned(),
        RecoveryKind::Replay => start_missing(),
    };
    let rows: Vec<TakenRow> = diesel::sql_query(format!(
        "WITH {taking}, \
         recorded AS (INSERT INTO webhook_recovery_messages (recovery_id, message_id, endpoint_id) \
           SELECT $5, message_id, $1 FROM taken) \
         SELECT t.message_id, t.attempts, (SELECT count(*) FROM picked) AS matched \
         FROM (SELECT 1) one LEFT JOIN taken t ON true"
    ))
    .bind::<SqlUuid, _>(endpoint_id)
    .bind::<Timestamptz, _>(window.since)
    .bind::<Timestamptz, _>(window.until)
    .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
    .bind::<SqlUuid, _>(task_id)
    .load(conn)
    .await
    .map_err(repo_error)?;
    let more = <[TakenRow]>::first(&rows).is_some_and(|row| usize::try_from(row.matched).unwrap_or(usize::MAX) > limit);
    let deliveries = rows
        .into_iter()
        .filter_map(|row| Some((row.message_id?, u32::try_from(row.attempts?).unwrap_or(0) + 1)))
        .collect();
    Ok(Taken { deliveries, more })
}

/// Puts back the deliveries a recovery took but could not schedule: a reopened one fails again, a
/// started one goes away (the message was never sent to the endpoint, as before).
pub(crate) async fn put_back(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    kind: RecoveryKind,
    messages: &[Uuid],
) -> Result<(), RepoError> {
    let statement = match kind {
        RecoveryKind::Recover => {
            "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, updated_at = now() \
             WHERE endpoint_id = $1 AND message_id = ANY ($2) AND state = 'pending' AND lease_id IS NULL"
        }
        RecoveryKind::Replay => {
            "DELETE FROM webhook_deliveries WHERE endpoint_id = $1 AND message_id = ANY ($2) \
               AND state = 'pending' AND attempts = 0 AND lease_id IS NULL"
        }
    };
    diesel::sql_query(statement)
        .bind::<SqlUuid, _>(endpoint_id)
        .bind::<Array<SqlUuid>, _>(messages)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(repo_error)
}

/// The state of the deliveries a recovery sent again: (succeeded, failed, pending).
pub(crate) async fn progress(conn: &mut AsyncPgConnection, task_id: Uuid) -> Result<(i64, i64, i64), RepoError> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        succeeded: i64,
        #[diesel(sql_type = BigInt)]
        failed: i64,
        #[diesel(sql_type = BigInt)]
        pending: i64,
    }
    let counts: Counts = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE d.state = 'succeeded') AS succeeded, \
           count(*) FILTER (WHERE d.state = 'failed') AS failed, \
           count(*) FILTER (WHERE d.state = 'pending') AS pending \
         FROM webhook_recovery_messages r \
         JOIN webhook_deliveries d ON d.message_id = r.message_id AND d.endpoint_id = r.endpoint_id \
         WHERE r.recovery_id = $1",
    )
    .bind::<SqlUuid, _>(task_id)
    .get_result(conn)
    .await
    .map_err(repo_error)?;
    Ok((counts.succeeded, counts.failed, counts.pending))
}

/// The most recoveries kept per organization (older ones are forgotten; their messages are not).
pub const MAX_RECOVERIES_KEPT: i64 = 1000;

pub struct PgRecoveryLog {
    pool: PgPool,
}

impl PgRecoveryLog {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[derive(QueryableByName)]
struct RecoveryRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    organization_id: Uuid,
    #[diesel(sql_type = Text)]
    endpoint_id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Timestamptz)]
    since: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    until: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Integer>)]
    queued: Option<i32>,
    #[diesel(sql_type = Bool)]
    more: bool,
    #[diesel(sql_type = Nullable<Text>)]
    backend_task_id: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

#[async_trait]
impl RecoveryLog for PgRecoveryLog {
    async fn record(&self, recovery: &RecoveryRecord) -> Result<(), RepoError> {
        let mut conn = crate::connection::pooled(&self.pool).await?;
        let queued = recovery.start.queued.map(|queued| i32::try_from(queued).unwrap_or(i32::MAX));
        diesel::sql_query(
            "INSERT INTO webhook_recoveries \
               (id, organization_id, endpoint_id, kind, since, until, queued, more, backend_task_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind::<SqlUuid, _>(recovery.id)
        .bind::<SqlUuid, _>(recovery.organization_id)
        .bind::<Text, _>(recovery.endpoint_id.as_str())
        .bind::<Text, _>(recovery.kind.as_str())
        .bind::<Timestamptz, _>(recovery.window.since)
        .bind::<Timestamptz, _>(recovery.window.until)
        .bind::<Nullable<Integer>, _>(queued)
        .bind::<Bool, _>(recovery.start.more)
        .bind::<Nullable<Text>, _>(recovery.start.backend_task_id.as_deref())
        .bind::<Timestamptz, _>(recovery.created_at)
        .execute(&mut conn)
        .await
        .map_err(repo_error)?;
        // However often an organization asks, it keeps only its newest recoveries.
        diesel::sql_query(
            "DELETE FROM webhook_recoveries WHERE id IN (SELECT id FROM webhook_recoveries \
               WHERE organization_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2)",
        )
        .bind::<SqlUuid, _>(recovery.organization_id)
        .bind::<BigInt, _>(MAX_RECOVERIES_KEPT)
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(repo_error)
    }

    async fn find(&self, organization_id: Uuid, id: Uuid) -> Result<Option<RecoveryRecord>, RepoError> {
        use diesel::OptionalExtension;
        let mut conn = crate::connection::pooled(&self.pool).await?;
        let row: Option<RecoveryRow> =
            diesel::sql_query("SELECT * FROM webhook_recoveries WHERE organization_id = $1 AND id = $2")
                .bind::<SqlUuid, _>(organization_id)
                .bind::<SqlUuid, _>(id)
                .get_result(&mut conn)
                .await
                .optional()
                .map_err(repo_error)?;
        let Some(row) = row else { return Ok(None) };
        let kind = RecoveryKind::parse(&row.kind)
            .ok_or_else(|| RepoError::Unexpected(format!("stored recovery kind `{}`", row.kind)))?;
        Ok(Some(RecoveryRecord {
            id: row.id,
            organization_id: row.organization_id,
            endpoint_id: EndpointRef::new(row.endpoint_id),
            kind,
            window: RecoveryWindow { since: row.since, until: row.until },
            start: RecoveryStart {
                queued: row.queued.map(i64::from),
                more: row.more,
                backend_task_id: row.backend_task_id,
            },
            created_at: row.created_at,
        }))
    }
}
