//! `PgOutboxRepo`: appends rows to `outbox_events`.

use crate::connection::SharedConnection;
use crate::errors::repo_error;
use crate::schema::outbox_events;
use async_trait::async_trait;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_application::ports::operational_events::OperationalEventLog;
use kaiten_application::ports::outbox::OutboxRepo;
use kaiten_domain::OutboxEvent;

/// The row's `headers`: the W3C trace context, as Kaiten's CDC consumers read it (NULL when there is none).
fn headers(event: &OutboxEvent) -> Option<serde_json::Value> {
    event.traceparent.as_ref().map(|traceparent| serde_json::json!({ "traceparent": traceparent }))
}

/// The outbox of one transaction: made only by the unit of work, over its connection.
pub(crate) struct PgOutboxRepo {
    transaction: SharedConnection,
}

impl PgOutboxRepo {
    pub(crate) fn new(transaction: SharedConnection) -> Self {
        Self { transaction }
    }
}

/// The column values of the event's row.
macro_rules! row_values {
    ($event:expr) => {{
        let event: &OutboxEvent = $event;
        (
            outbox_events::id.eq(event.id),
            outbox_events::event_name.eq(event.kind.name()),
            outbox_events::event_type.eq(event.kind.event_type()),
            outbox_events::data.eq(&event.data),
            outbox_events::organization_id.eq(event.organization_id),
            outbox_events::headers.eq(headers(event)),
            outbox_events::previous_attributes.eq(&event.previous_attributes),
            outbox_events::customer_id.eq(event.customer.as_ref().map(|customer| customer.id)),
            outbox_events::customer_slug.eq(event.customer.as_ref().map(|customer| customer.slug.as_str())),
        )
    }};
}

/// The INSERT of the event's row.
pub(crate) fn new_row(
    event: &OutboxEvent,
) -> impl diesel::query_builder::QueryFragment<diesel::pg::Pg> + diesel::query_builder::QueryId + Send + '_ {
    diesel::insert_into(outbox_events::table).values(row_values!(event))
}

/// Counts a row written (inside transactions: one that later rolls back is counted too).
pub(crate) fn count_append(event: &OutboxEvent) {
    metrics::counter!("kaiten_outbox_appends_total", "event" => event.kind.name()).increment(1);
}

/// Inserts the event's row unless one with its id exists: the number of rows written (0 or 1).
async fn insert_once(conn: &mut AsyncPgConnection, event: &OutboxEvent) -> Result<usize, RepoError> {
    let written = diesel::insert_into(outbox_events::table)
        .values(row_values!(event))
        .on_conflict(outbox_events::id)
        .do_nothing()
        .execute(conn)
        .await
        .map_err(repo_error)?;
    if written > 0 {
        count_append(event);
    }
    Ok(written)
}

#[async_trait]
impl OutboxRepo for PgOutboxRepo {
    async fn append(&self, event: &OutboxEvent) -> Result<(), RepoError> {
        let mut conn = self.transaction.lock().await;
        match insert_once(&mut conn, event).await? {
            0 => Err(RepoError::Conflict(kaiten_application::Conflict::new(
                "duplicate_event_id",
                format!("an outbox event with id {} exists already", event.id),
            ))),
            _ => Ok(()),
        }
    }
}

/// `PgOperationalEventLog`: operational events reported from outside the store (Svix), each in a
/// transaction of its own, at most once per id.
pub struct PgOperationalEventLog {
    pool: crate::connection::PgPool,
}

impl PgOperationalEventLog {
    pub fn new(pool: crate::connection::PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl OperationalEventLog for PgOperationalEventLog {
    async fn record(&self, event: &OutboxEvent) -> Result<bool, RepoError> {
        let mut conn = crate::connection::pooled(&self.pool).await?;
        Ok(insert_once(&mut conn, event).await? > 0)
    }
}
