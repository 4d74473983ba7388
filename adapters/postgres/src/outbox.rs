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

/// The row's `headers`: the W3C trace context, as Kaiten's CDC consumers read it (NULL when there is none).
fn headers(event: &OutboxEvent) -> Option<serde_json::Value> {
    event.traceparent.as_ref().map(|traceparent| serde_json::json!({ "traceparent": traceparent }))
}

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
                outbox_events::data.eq(&event.data),
                outbox_events::organization_id.eq(event.organization_id),
                outbox_events::headers.eq(headers(event)),
                outbox_events::previous_attributes.eq(&event.previous_attributes),
                outbox_events::customer_id.eq(event.customer.as_ref().map(|customer| customer.id)),
                outbox_events::customer_slug.eq(event.customer.as_ref().map(|customer| customer.slug.as_str())),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        // Rows written inside transactions (a transaction that later rolls back is counted too).
        metrics::counter!("kaiten_outbox_appends_total", "event" => event.kind.name()).increment(1);
        Ok(())
    }
}
