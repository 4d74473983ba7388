//! `PgEventFeed`: an organization's outbox rows, oldest first (occurrence time, then id). A page
//! holds only rows older than every transaction still open when it was asked for: a row's
//! `occurred_at` is its transaction's start (`now()`), so a transaction that commits later can only
//! add rows at or after that horizon, and a reader walking the cursor never skips one.

use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_domain::webhook_scope::CustomerRef;

/// The columns a feed item is read from (the names of `Row`'s fields).
const EVENT_COLUMNS: &str = "id, event_name, data, occurred_at, previous_attributes, customer_id, customer_slug";
use kaiten_application::ports::event_feed::{EventFeed, FeedError, FeedQuery, StoredEvent};
use kaiten_domain::{EventCustomer, EventKind};
use uuid::Uuid;

#[derive(QueryableByName)]
struct Horizon {
    #[diesel(sql_type = Timestamptz)]
    horizon: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Timestamptz)]
    occurred_at: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    event_name: String,
    #[diesel(sql_type = Jsonb)]
    data: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    occurred_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    previous_attributes: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    customer_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    customer_slug: Option<String>,
}

impl Row {
    fn into_event(self) -> Result<StoredEvent, RepoError> {
        let kind = EventKind::from_name(&self.event_name).ok_or_else(|| {
            RepoError::Unexpected(format!("outbox row {} has an unknown event {}", self.id, self.event_name))
        })?;
        let customer = match (self.customer_id, self.customer_slug) {
            (Some(id), Some(slug)) => Some(EventCustomer { id, slug }),
            _ => EventCustomer::of(kind, &self.data),
        };
        let (data, occurred_at, previous_attributes) = (self.data, self.occurred_at, self.previous_attributes);
        Ok(StoredEvent { id: self.id, kind, data, occurred_at, previous_attributes, customer })
    }
}

pub struct PgEventFeed {
    source: ConnectionSource,
}

impl PgEventFeed {
    pub fn new(pool: crate::PgPool) -> Self {
        Self { source: ConnectionSource::Pool(pool) }
    }
}

#[async_trait]
impl EventFeed for PgEventFeed {
    async fn page(&self, query: &FeedQuery) -> Result<Vec<StoredEvent>, FeedError> {
        let mut conn = self.source.get().await?;
        // Its own statement, before the page's: a transaction open now starts at or after the horizon.
        let horizon: Horizon = diesel::sql_query(
            "SELECT coalesce(min(xact_start), now()) AS horizon FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
               AND backend_type = 'client backend' AND xact_start IS NOT NULL",
        )
        .get_result(&mut *conn)
        .await
        .map_err(repo_error)?;
        let after = match query.after {
            Some(id) => {
                let position: Option<Position> =
                    diesel::sql_query("SELECT occurred_at FROM outbox_events WHERE id = $1 AND organization_id = $2")
                        .bind::<SqlUuid, _>(id)
                        .bind::<SqlUuid, _>(query.organization_id)
                        .get_result(&mut *conn)
                        .await
                        .optional()
                        .map_err(repo_error)?;
                Some((position.ok_or(FeedError::UnknownCursor)?.occurred_at, id))
            }
            None => None,
        };
        let names: Vec<&str> = query.kinds.iter().map(|kind| kind.name()).collect();
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT {EVENT_COLUMNS} FROM outbox_events \
             WHERE organization_id = $1 AND occurred_at < $2 \
               AND ($3::timestamptz IS NULL OR (occurred_at, id) > ($3, $4)) \
               AND (cardinality($5::text[]) = 0 OR event_name = ANY ($5)) \
               AND ($6::timestamptz IS NULL OR occurred_at >= $6) \
               AND ($8::uuid IS NULL OR customer_id = $8) AND ($9::text IS NULL OR customer_slug = $9) \
             ORDER BY occurred_at, id LIMIT $7"
        ))
        .bind::<SqlUuid, _>(query.organization_id)
        .bind::<Timestamptz, _>(horizon.horizon)
        .bind::<Nullable<Timestamptz>, _>(after.map(|(at, _)| at))
        .bind::<SqlUuid, _>(after.map_or(Uuid::nil(), |(_, id)| id))
        .bind::<Array<Text>, _>(names)
        .bind::<Nullable<Timestamptz>, _>(query.since)
        .bind::<BigInt, _>(query.limit)
        .bind::<Nullable<SqlUuid>, _>(match &query.customer {
            Some(CustomerRef::Id(id)) => Some(*id),
            _ => None,
        })
        .bind::<Nullable<Text>, _>(match &query.customer {
            Some(CustomerRef::Slug(slug)) => Some(slug.as_str()),
            _ => None,
        })
        .load(&mut *conn)
        .await
        .map_err(repo_error)?;
        Ok(rows.into_iter().map(Row::into_event).collect::<Result<_, _>>()?)
    }

    async fn find(&self, organization_id: Uuid, id: Uuid) -> Result<Option<StoredEvent>, RepoError> {
        let mut conn = self.source.get().await?;
        let row: Option<Row> = diesel::sql_query(format!(
            "SELECT {EVENT_COLUMNS} FROM outbox_events WHERE id = $1 AND organization_id = $2"
        ))
        .bind::<SqlUuid, _>(id)
        .bind::<SqlUuid, _>(organization_id)
        .get_result(&mut *conn)
        .await
        .optional()
        .map_err(repo_error)?;
        row.map(Row::into_event).transpose()
    }
}
