//! `PgOutboxReplay`: stored `outbox_events` rows read back (keyset-paginated by `occurred_at` and
//! id) and serialized by the relay's own Debezium serializer, so a replayed message is shaped exactly
//! like a streamed one (LSN, transaction id: 0; time: the row's creation).

use crate::debezium::{ChangePosition, ChangeSource, InsertedRow, cloud_event, envelope_schema};
use crate::pgoutput::{Column, PG_EPOCH_OFFSET_MICROS, Value};
use async_trait::async_trait;
use kaiten_application::RepoError;
use kaiten_application::ports::event_bus::OutgoingMessage;
use kaiten_application::ports::outbox::{OutboxReplaySource, ReplayCursor, ReplayWindow};
use serde_json::value::RawValue;
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

pub struct PgOutboxReplay {
    client: Client,
    columns: Vec<Column>,
    source: ChangeSource,
    schema: Box<RawValue>,
}

fn unavailable(error: impl std::fmt::Display) -> RepoError {
    RepoError::Unavailable(error.to_string())
}

/// A query failure with PostgreSQL's own message (tokio-postgres displays only "db error").
fn query_failed(error: tokio_postgres::Error) -> RepoError {
    match error.as_db_error() {
        Some(db) => RepoError::Unexpected(format!("{}: {}", db.code().code(), db.message())),
        None => RepoError::Unavailable(error.to_string()),
    }
}

impl PgOutboxReplay {
    /// Connects and reads the table's columns, in table order as the relation message lists them.
    pub async fn connect(database_url: &str, server_name: &str) -> Result<Self, RepoError> {
        let client = crate::setup::connect(database_url).await.map_err(unavailable)?;
        client.batch_execute("SET TimeZone = 'UTC'").await.map_err(unavailable)?;
        let rows = client
            .query(
                "SELECT attname::text, atttypid::oid FROM pg_attribute \
                 WHERE attrelid = 'public.outbox_events'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                &[],
            )
            .await
            .map_err(unavailable)?;
        let columns: Vec<Column> = rows.iter().map(|row| Column { name: row.get(0), type_oid: row.get(1) }).collect();
        let database = client.query_one("SELECT current_database()::text", &[]).await.map_err(unavailable)?.get(0);
        let source = ChangeSource {
            server_name: server_name.to_owned(),
            database,
            schema: "public".into(),
            table: kaiten_application::envelope::outbox_columns::TABLE.into(),
        };
        let schema = envelope_schema(&source, &columns).map_err(|e| RepoError::Unexpected(e.to_string()))?;
        Ok(Self { client, columns, source, schema })
    }

    fn filter(window: &ReplayWindow) -> (String, Vec<Box<dyn ToSql + Sync + Send>>) {
        let mut sql = String::from("occurred_at >= $1 AND occurred_at < $2");
        let mut parameters: Vec<Box<dyn ToSql + Sync + Send>> = vec![Box::new(window.since), Box::new(window.until)];
        if let Some(organization) = window.organization_id {
            sql.push_str(" AND organization_id = $3");
            parameters.push(Box::new(organization));
        }
        (sql, parameters)
    }
}

#[async_trait]
impl OutboxReplaySource for PgOutboxReplay {
    async fn count(&self, window: &ReplayWindow) -> Result<u64, RepoError> {
        let (filter, parameters) = Self::filter(window);
        let parameters: Vec<&(dyn ToSql + Sync)> =
            parameters.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
        let row = self
            .client
            .query_one(&format!("SELECT count(*) FROM outbox_events WHERE {filter}"), &parameters)
            .await
            .map_err(query_failed)?;
        Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
    }

    async fn batch(
        &self,
        window: &ReplayWindow,
        after: Option<ReplayCursor>,
        limit: i64,
    ) -> Result<Vec<(ReplayCursor, OutgoingMessage)>, RepoError> {
        let (mut filter, mut parameters) = Self::filter(window);
        if let Some(cursor) = after {
            let n = parameters.len();
            filter.push_str(&format!(" AND (occurred_at, id) > (${}, ${})", n + 1, n + 2));
            parameters.push(Box::new(cursor.occurred_at));
            parameters.push(Box::new(cursor.id));
        }
        parameters.push(Box::new(limit));
        let texts: Vec<String> = self.columns.iter().map(|c| format!("{}::text", quote(&c.name))).collect();
        let sql = format!(
            "SELECT occurred_at, id, {} FROM outbox_events WHERE {filter} ORDER BY outbox_events.occurred_at, outbox_events.id LIMIT ${}",
            texts.join(", "),
            parameters.len()
        );
        let parameters: Vec<&(dyn ToSql + Sync)> =
            parameters.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.client.query(&sql, &parameters).await.map_err(query_failed)?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in rows {
            let cursor = ReplayCursor { occurred_at: row.get(0), id: row.get(1) };
            let values: Vec<Value> = (0..self.columns.len())
                .map(|index| row.get::<_, Option<String>>(index + 2).map_or(Value::Null, Value::Text))
                .collect();
            let inserted = InsertedRow { columns: &self.columns, values: &values };
            let micros = cursor.occurred_at.timestamp_micros() - PG_EPOCH_OFFSET_MICROS;
            let position = ChangePosition { lsn: 0, commit_lsn: 0, xid: 0, commit_time_micros: micros };
            let body = cloud_event(&self.source, &self.schema, position, &inserted)
                .map_err(|e| RepoError::Unexpected(e.to_string()))?;
            let headers = inserted.trace_headers();
            let message = OutgoingMessage {
                message_id: cursor.id.to_string(),
                content_type: crate::stream::CONTENT_TYPE,
                body,
                headers,
            };
            messages.push((cursor, message));
        }
        Ok(messages)
    }
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
