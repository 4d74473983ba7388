//! Rows of `webhook_messages` and `webhook_attempts`: accepting a message, the delivery history and
//! message inspection.

use crate::errors::repo_error;
use crate::schema::{webhook_attempts, webhook_messages};
use crate::scoped::newest_page_and_total;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::NewMessage;
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook::{
    AttemptPage, AttemptStatus, BodyEncoding, DeliveryAttempt, HistoryFilter, WebhookMessage, webhook_message_id,
};
use kaiten_domain::{EventKind, PageKey, Paged};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_messages, check_for_backend(diesel::pg::Pg))]
pub(crate) struct MessageRow {
    id: Uuid,
    organization_id: Uuid,
    event_name: String,
    event_type: String,
    body: String,
    created_at: DateTime<Utc>,
    customer_id: Option<Uuid>,
    test: bool,
    about_endpoint_id: Option<Uuid>,
}

impl MessageRow {
    pub(crate) fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    pub(crate) fn is_test(&self) -> bool {
        self.test
    }

    pub(crate) fn into_new_message(self) -> Result<NewMessage, RepoError> {
        let kind = EventKind::from_name(&self.event_name)
            .ok_or_else(|| RepoError::Unexpected(format!("unknown event {} in webhook_messages", self.event_name)))?;
        Ok(NewMessage {
            id: self.id,
            organization_id: self.organization_id,
            kind,
            customer_id: self.customer_id,
            about_endpoint: self.about_endpoint_id.map(EndpointId::new),
            body: self.body,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_attempts, check_for_backend(diesel::pg::Pg))]
struct AttemptRow {
    id: Uuid,
    message_id: Uuid,
    endpoint_id: Uuid,
    url: String,
    status: String,
    response_status_code: Option<i32>,
    response_body: String,
    duration_ms: i64,
    created_at: DateTime<Utc>,
    response_body_encoding: String,
}

impl AttemptRow {
    fn into_api(self, event_name: String, event_type: String, test: bool) -> Result<DeliveryAttempt, RepoError> {
        let status = AttemptStatus::parse(&self.status)
            .ok_or_else(|| RepoError::Unexpected(format!("unknown attempt status {}", self.status)))?;
        Ok(DeliveryAttempt {
            id: self.id.to_string(),
            event_id: self.message_id.to_string(),
            message_id: webhook_message_id(self.message_id),
            endpoint_id: EndpointRef::new(self.endpoint_id.to_string()),
            url: self.url,
            event_name,
            event_type,
            status,
            response_status_code: self.response_status_code,
            response_body: self.response_body,
            response_body_encoding: BodyEncoding::parse(&self.response_body_encoding).unwrap_or_default(),
            duration_ms: self.duration_ms,
            timestamp: self.created_at,
            test,
        })
    }
}

/// Stores a test send's message as already dispatched: it has no first attempts to make (its one
/// attempt is scheduled to its endpoint) and is never replayed to another endpoint.
pub(crate) async fn insert_test(conn: &mut AsyncPgConnection, message: &NewMessage) -> Result<(), RepoError> {
    diesel::insert_into(webhook_messages::table)
        .values((
            webhook_messages::id.eq(message.id),
            webhook_messages::organization_id.eq(message.organization_id),
            webhook_messages::event_name.eq(message.kind.name()),
            webhook_messages::event_type.eq(message.kind.event_type()),
            webhook_messages::body.eq(&message.body),
            webhook_messages::customer_id.eq(message.customer_id),
            webhook_messages::dispatched_at.eq(diesel::dsl::now),
            webhook_messages::test.eq(true),
        ))
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(repo_error)
}

pub(crate) async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<MessageRow>, RepoError> {
    webhook_messages::table.find(id).select(MessageRow::as_select()).first(conn).await.optional().map_err(repo_error)
}

/// An attempt with its message's event name, event type and test flag.
type HistoryRow = (AttemptRow, (String, String, bool));

pub(crate) async fn history(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    filter: &HistoryFilter,
) -> Result<Paged<DeliveryAttempt>, RepoError> {
    let endpoint = match filter.endpoint_id.as_ref().map(|id| Uuid::parse_str(id.as_str())) {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Ok(Paged::all(vec![])),
        None => None,
    };
    let filtered = || {
        let mut query = webhook_attempts::table
            .inner_join(webhook_messages::table)
            .filter(webhook_attempts::organization_id.eq(organization_id))
            .into_boxed();
        if let Some(endpoint) = endpoint {
            query = query.filter(webhook_attempts::endpoint_id.eq(endpoint));
        }
        if let Some(kind) = filter.event {
            query = query.filter(webhook_messages::event_name.eq(kind.name()));
        }
        if let Some(status) = filter.status {
            query = query.filter(webhook_attempts::status.eq(status.as_str()));
        }
        if let Some(before) = filter.before {
            query = query.filter(webhook_attempts::created_at.lt(before));
        }
        if let Some(after) = filter.after {
            query = query.filter(webhook_attempts::created_at.gt(after));
        }
        query
    };
    let of_message = (webhook_messages::event_name, webhook_messages::event_type, webhook_messages::test);
    let (rows, total): (Vec<HistoryRow>, i64) = newest_page_and_total!(conn, webhook_attempts, filter.page,
        rows: filtered(),
        select: (AttemptRow::as_select(), of_message),
        count: filtered(),
    )?;
    Paged::from_keyset(rows, total, filter.page, |(row, _)| PageKey { created_at: row.created_at, id: row.id })
        .try_map(|(row, (name, kind, test))| row.into_api(name, kind, test))
}

/// The message and one page of its attempts, newest first (attempt ids are time-ordered UUIDv7).
pub(crate) async fn inspect(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: Uuid,
    page: &AttemptPage,
) -> Result<Option<WebhookMessage>, RepoError> {
    let Some(message) = find(conn, id).await?.filter(|m| m.organization_id == organization_id) else {
        return Ok(None);
    };
    let mut query = webhook_attempts::table.filter(webhook_attempts::message_id.eq(id)).into_boxed();
    if let Some(before) = page.before.as_deref() {
        let before = Uuid::parse_str(before).map_err(|_| RepoError::NotFound)?;
        query = query.filter(webhook_attempts::id.lt(before));
    }
    let mut rows: Vec<AttemptRow> = query
        .order(webhook_attempts::id.desc())
        .limit(i64::from(page.limit) + 1)
        .select(AttemptRow::as_select())
        .load(conn)
        .await
        .map_err(repo_error)?;
    let more = rows.len() > page.limit as usize;
    rows.truncate(page.limit as usize);
    let more_attempts_before = more.then(|| rows.last().map(|row| row.id.to_string())).flatten();
    let attempts = rows
        .into_iter()
        .map(|row| row.into_api(message.event_name.clone(), message.event_type.clone(), message.test))
        .collect::<Result<_, _>>()?;
    let payload = serde_json::from_str(&message.body).map_err(|e| RepoError::Unexpected(e.to_string()))?;
    Ok(Some(WebhookMessage {
        event_id: message.id.to_string(),
        message_id: webhook_message_id(message.id),
        event_name: message.event_name,
        event_type: message.event_type,
        payload,
        test: message.test,
        timestamp: message.created_at,
        attempts,
        more_attempts_before,
    }))
}
