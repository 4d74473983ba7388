//! `PgOutboxRepo`: appends rows to `outbox_events`.

use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::outbox_events;
use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::outbox::OutboxRepo;
use kaiten_domain::OutboxEvent;

pub(crate) struct PgOutboxRepo {
    source: ConnectionSource,
}

impl PgOutboxRepo {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl OutboxRepo for PgOutboxRepo {
    async fn append(&self, event: &OutboxEvent) -> Result<(), RepoError> {
        if matches!(self.source, ConnectionSource::Pool(_)) {
            return Err(RepoError::Unexpected("outbox rows are appended only inside a unit of work".into()));
        }
        let mut conn = self.source.get().await?;
        diesel::insert_into(outbox_events::table)
            .values((
                outbox_events::id.eq(event.id),
                outbox_events::event_name.eq(event.kind.name()),
                outbox_events::event_type.eq(event.kind.event_type()),
                outbox_events::payload.eq(&event.payload),
                outbox_events::organization_id.eq(event.organization_id),
                outbox_events::traceparent.eq(event.traceparent.as_deref()),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        // Rows written inside transactions (a transaction that later rolls back is counted too).
        metrics::counter!("kaiten_outbox_appends_total", "event" => event.kind.name()).increment(1);
        Ok(())
    }
}

/// `PgOutboxRetention`: deletes old rows by primary key, one bounded batch per statement.
pub struct PgOutboxRetention {
    pool: crate::connection::PgPool,
}

impl PgOutboxRetention {
    pub fn new(pool: crate::connection::PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl kaiten_application::ports::outbox::OutboxRetention for PgOutboxRetention {
    async fn prune_batch(&self, older_than: chrono::DateTime<chrono::Utc>, batch: i64) -> Result<u64, RepoError> {
        let mut conn = self.pool.get().await.map_err(|e| RepoError::Unavailable(e.to_string()))?;
        let deleted = diesel::sql_query(
            "DELETE FROM outbox_events WHERE id IN \
             (SELECT id FROM outbox_events WHERE created_at < $1 ORDER BY created_at LIMIT $2)",
        )
        .bind::<diesel::sql_types::Timestamptz, _>(older_than)
        .bind::<diesel::sql_types::BigInt, _>(batch)
        .execute(&mut *conn)
        .await
        .map_err(repo_error)?;
        Ok(deleted as u64)
    }
}
