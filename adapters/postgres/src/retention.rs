//! `PgRetention`: deletes rows older than a point in time by primary key, one bounded batch per
//! statement — outbox rows, or webhook messages (their attempts go with them, `ON DELETE CASCADE`)
//! that have had no attempt since that point either (a recent resend keeps its message).

use crate::errors::repo_error;
use async_trait::async_trait;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::retention::Retention;

pub struct PgRetention {
    pool: crate::connection::PgPool,
    /// `DELETE … WHERE id IN (the batch's oldest ids)` for one table (a constant, never input).
    statement: &'static str,
    batch: i64,
}

impl PgRetention {
    /// Rows of `outbox_events`.
    pub fn outbox(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM outbox_events WHERE id IN \
             (SELECT id FROM outbox_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)";
        Self { pool, statement, batch: 5_000 }
    }

    /// Webhook messages of the built-in engine, with their delivery attempts.
    pub fn webhook_messages(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM webhook_messages WHERE id IN \
             (SELECT m.id FROM webhook_messages m WHERE m.created_at < $1 AND NOT EXISTS \
                (SELECT 1 FROM webhook_attempts a WHERE a.message_id = m.id AND a.created_at >= $1) \
              ORDER BY m.created_at LIMIT $2)";
        // Each message takes its attempts (one or more per endpoint) with it.
        Self { pool, statement, batch: 1_000 }
    }
}

impl PgRetention {
    /// Resend windows of messages (kept only while they can still count).
    pub fn resend_windows(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM webhook_resend_windows WHERE event_id IN \
             (SELECT event_id FROM webhook_resend_windows WHERE window_start < $1 ORDER BY window_start LIMIT $2)";
        Self { pool, statement, batch: 5_000 }
    }

    /// Entries of the instances' audit trails.
    pub fn audit_trails(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM instance_audit_trails WHERE id IN \
             (SELECT id FROM instance_audit_trails WHERE created_at < $1 ORDER BY created_at LIMIT $2)";
        Self { pool, statement, batch: 5_000 }
    }

    /// Recoveries and replays (their messages go with the webhook messages).
    pub fn webhook_recoveries(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM webhook_recoveries WHERE id IN \
             (SELECT id FROM webhook_recoveries WHERE created_at < $1 ORDER BY created_at LIMIT $2)";
        Self { pool, statement, batch: 5_000 }
    }

    /// Owners of the event ids handed to Svix.
    pub fn event_owners(pool: crate::connection::PgPool) -> Self {
        let statement = "DELETE FROM webhook_event_owners WHERE event_id IN \
             (SELECT event_id FROM webhook_event_owners WHERE created_at < $1 ORDER BY created_at LIMIT $2)";
        Self { pool, statement, batch: 5_000 }
    }
}

#[async_trait]
impl Retention for PgRetention {
    async fn prune_batch(&self, older_than: chrono::DateTime<chrono::Utc>, batch: i64) -> Result<u64, RepoError> {
        let mut conn = self.pool.get().await.map_err(|e| RepoError::Unavailable(e.to_string()))?;
        let deleted = diesel::sql_query(self.statement)
            .bind::<diesel::sql_types::Timestamptz, _>(older_than)
            .bind::<diesel::sql_types::BigInt, _>(batch)
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(deleted as u64)
    }

    fn batch(&self) -> i64 {
        self.batch
    }
}
