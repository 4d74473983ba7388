//! Rows of `webhook_endpoints` and the statements on them.

use crate::errors::repo_error;
use crate::operational_events as operational;
use crate::schema::webhook_endpoints;
use crate::scoped::newest_page_and_total;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Double, Integer, Interval, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::{Conflict, RepoError};
use kaiten_delivery::{Endpoint, EndpointId, SigningSecret, WebhookUrl};
use kaiten_domain::webhook::EndpointPatch;
use kaiten_domain::webhook_headers::EndpointHeader;
use kaiten_domain::webhook_operational::DisableReason;
use kaiten_domain::webhook_scope::CustomerScope;
use kaiten_domain::{EventKind, Page, PageKey, Paged};
use std::sync::LazyLock;
use uuid::Uuid;

#[derive(Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub(crate) struct EndpointRow {
    id: Uuid,
    organization_id: Uuid,
    url: String,
    description: String,
    event_names: Vec<String>,
    disabled: bool,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<DateTime<Utc>>,
    failing_since: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    customer_ids: Vec<Uuid>,
    include_organization_events: bool,
    paused_until: Option<DateTime<Utc>>,
    headers: serde_json::Value,
    rate_limit: Option<i32>,
}

fn headers_json(headers: &[EndpointHeader]) -> serde_json::Value {
    serde_json::to_value(headers).unwrap_or_else(|_| serde_json::Value::Array(Vec::new()))
}

fn names(events: &[EventKind]) -> Vec<String> {
    events.iter().map(|kind| kind.name().to_owned()).collect()
}

impl EndpointRow {
    pub(crate) fn from_stored(endpoint: &Endpoint) -> Self {
        Self {
            id: endpoint.id.as_uuid(),
            organization_id: endpoint.organization_id,
            url: endpoint.url.as_str().to_owned(),
            description: endpoint.description.clone(),
            event_names: names(&endpoint.events),
            disabled: endpoint.disabled,
            secret: endpoint.secret.expose().to_owned(),
            previous_secret: endpoint.previous_secret.as_ref().map(|(secret, _)| secret.expose().to_owned()),
            previous_secret_until: endpoint.previous_secret.as_ref().map(|(_, until)| *until),
            failing_since: None,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
            customer_ids: endpoint.scope.customers.clone(),
            include_organization_events: endpoint.scope.include_organization_events,
            paused_until: endpoint.paused_until,
            headers: headers_json(&endpoint.headers),
            rate_limit: endpoint.rate_limit.and_then(|rate| i32::try_from(rate).ok()),
        }
    }

    pub(crate) fn into_stored(self) -> Endpoint {
        Endpoint {
            id: EndpointId::new(self.id),
            organization_id: self.organization_id,
            url: WebhookUrl::stored(self.url),
            description: self.description,
            events: self.event_names.iter().filter_map(|name| EventKind::from_name(name)).collect(),
            scope: CustomerScope {
                customers: self.customer_ids,
                include_organization_events: self.include_organization_events,
            },
            disabled: self.disabled,
            secret: SigningSecret::new(self.secret),
            previous_secret: self.previous_secret.map(SigningSecret::new).zip(self.previous_secret_until),
            paused_until: self.paused_until,
            // The column's CHECK keeps its shape; a row that still did not read would only lose its
            // custom headers, never its deliveries.
            headers: serde_json::from_value(self.headers).unwrap_or_default(),
            rate_limit: self.rate_limit.and_then(|rate| u32::try_from(rate).ok()),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Inserts the endpoint unless its organization has `max_endpoints` already. The organization's row
/// is locked for the count and the insert, so concurrent creations cannot pass the limit together.
pub(crate) async fn insert(
    conn: &mut AsyncPgConnection,
    endpoint: &Endpoint,
    max_endpoints: usize,
) -> Result<(), RepoError> {
    use diesel_async::AsyncConnection;
    let row = EndpointRow::from_stored(endpoint);
    let organization_id = endpoint.organization_id;
    let limit = i64::try_from(max_endpoints).unwrap_or(i64::MAX);
    let inserted = conn
        .transaction::<bool, diesel::result::Error, _>(async move |conn| {
            diesel::sql_query("SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE")
                .bind::<SqlUuid, _>(organization_id)
                .execute(conn)
                .await?;
            let existing: i64 = webhook_endpoints::table
                .filter(webhook_endpoints::organization_id.eq(organization_id))
                .count()
                .get_result(conn)
                .await?;
            if existing >= limit {
                return Ok(false);
            }
            diesel::insert_into(webhook_endpoints::table).values(row).execute(conn).await?;
            Ok(true)
        })
        .await
        .map_err(repo_error)?;
    if inserted {
        Ok(())
    } else {
        Err(RepoError::Invalid(Conflict::new(
            "too_many_endpoints",
            format!("an organization has at most {max_endpoints} webhook endpoints; delete one first"),
        )))
    }
}

pub(crate) async fn list(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    page: Page,
) -> Result<Paged<Endpoint>, RepoError> {
    let scope = webhook_endpoints::organization_id.eq(organization_id);
    let (rows, total): (Vec<EndpointRow>, i64) = newest_page_and_total!(conn, webhook_endpoints, page,
        rows: webhook_endpoints::table.filter(scope).into_boxed(),
        select: EndpointRow::as_select(),
        count: webhook_endpoints::table.filter(scope),
    )?;
    Ok(Paged::from_keyset(rows, total, page, |r| PageKey { created_at: r.created_at, id: r.id })
        .map(EndpointRow::into_stored))
}

pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Option<Endpoint>, RepoError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id).and(webhook_endpoints::id.eq(id)))
        .select(EndpointRow::as_select())
        .first(conn)
        .await
        .optional()
        .map(|row| row.map(EndpointRow::into_stored))
        .map_err(repo_error)
}

pub(crate) async fn enabled(conn: &mut AsyncPgConnection, organization_id: Uuid) -> Result<Vec<Endpoint>, RepoError> {
    let rows: Vec<EndpointRow> = webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id).and(webhook_endpoints::disabled.eq(false)))
        .order(webhook_endpoints::created_at)
        .select(EndpointRow::as_select())
        .load(conn)
        .await
        .map_err(repo_error)?;
    Ok(rows.into_iter().map(EndpointRow::into_stored).collect())
}

/// The update statement: the endpoint as it was (locked before the update reads it, so of two
/// concurrent updates the second sees the first's outcome), the update, and the operational event
/// of a change of `disabled` made by it.
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH before AS (SELECT id AS before_id, disabled AS was_disabled FROM webhook_endpoints \
           WHERE organization_id = $1 AND id = $2 FOR NO KEY UPDATE), \
         updated AS (UPDATE webhook_endpoints e SET \
           url = COALESCE($3, url), \
           description = COALESCE($4, description), \
           event_names = COALESCE($5, event_names), \
           disabled = COALESCE($6, disabled), \
           customer_ids = COALESCE($9, customer_ids), \
           include_organization_events = cardinality(COALESCE($9, customer_ids)) > 0 \
             AND COALESCE($10, include_organization_events), \
           headers = COALESCE($11, headers), \
           rate_limit = CASE WHEN $12 THEN $13 ELSE rate_limit END, \
           rate_next_at = CASE WHEN $12 OR ($6 = false AND e.disabled) THEN NULL ELSE rate_next_at END, \
           failing_since = CASE WHEN $6 = false THEN NULL ELSE failing_since END, \
           previous_secret = CASE WHEN $7 IS NULL THEN previous_secret ELSE secret END, \
           previous_secret_until = CASE WHEN $7 IS NULL THEN previous_secret_until ELSE $8 END, \
           secret = COALESCE($7, secret), \
           updated_at = now() \
         FROM before b WHERE e.id = b.before_id RETURNING e.*, b.was_disabled), \
         disabled_events AS ({}), \
         enabled_events AS ({}) \
         SELECT * FROM updated",
        operational::endpoint_disabled(
            "updated",
            &operational::reason(DisableReason::Manual),
            "s.disabled AND NOT s.was_disabled"
        ),
        operational::endpoint_enabled("updated", "NOT s.disabled AND s.was_disabled"),
    )
});

/// One statement: omitted fields keep their value; re-enabling clears the failing streak; a new
/// secret moves the current one to `previous_secret` (SET expressions see the old row).
pub(crate) async fn update(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    id: Uuid,
    patch: EndpointPatch,
    new_secret: Option<(String, DateTime<Utc>)>,
) -> Result<Option<Endpoint>, RepoError> {
    let (secret, previous_until) = new_secret.unzip();
    diesel::sql_query(UPDATE.as_str())
        .bind::<SqlUuid, _>(organization_id)
        .bind::<SqlUuid, _>(id)
        .bind::<Nullable<Text>, _>(patch.url)
        .bind::<Nullable<Text>, _>(patch.description)
        .bind::<Nullable<Array<Text>>, _>(patch.events.map(|events| names(&events)))
        .bind::<Nullable<Bool>, _>(patch.disabled)
        .bind::<Nullable<Text>, _>(secret)
        .bind::<Nullable<Timestamptz>, _>(previous_until)
        .bind::<Nullable<Array<SqlUuid>>, _>(patch.customers)
        .bind::<Nullable<Bool>, _>(patch.include_organization_events)
        .bind::<Nullable<Jsonb>, _>(patch.headers.as_deref().map(headers_json))
        .bind::<Bool, _>(patch.rate_limit.is_some())
        .bind::<Nullable<Integer>, _>(patch.rate_limit.flatten().and_then(|rate| i32::try_from(rate).ok()))
        .get_result::<EndpointRow>(conn)
        .await
        .optional()
        .map(|row| row.map(EndpointRow::into_stored))
        .map_err(repo_error)
}

pub(crate) async fn delete(conn: &mut AsyncPgConnection, organization_id: Uuid, id: Uuid) -> Result<bool, RepoError> {
    let deleted = diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(organization_id).and(webhook_endpoints::id.eq(id))),
    )
    .execute(conn)
    .await
    .map_err(repo_error)?;
    Ok(deleted > 0)
}

/// Reserves the endpoint's next free send slot (one every `1 / rate` second, in the database's clock
/// so every process shares it): how long until it, zero if now. An endpoint gone meanwhile has none
/// to wait for.
pub(crate) async fn reserve_send(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    rate: u32,
) -> Result<std::time::Duration, RepoError> {
    #[derive(QueryableByName)]
    struct Reserved {
        #[diesel(sql_type = Double)]
        wait_seconds: f64,
    }
    let spacing = 1_000_000 / i64::from(rate.max(1));
    let reserved: Option<Reserved> = diesel::sql_query(
        "UPDATE webhook_endpoints SET rate_next_at = GREATEST(rate_next_at, clock_timestamp()) + $2 WHERE id = $1 \
         RETURNING extract(epoch FROM rate_next_at - $2 - clock_timestamp())::float8 AS wait_seconds",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(spacing))
    .get_result(conn)
    .await
    .optional()
    .map_err(repo_error)?;
    let wait = reserved.map_or(0.0, |reserved| reserved.wait_seconds);
    Ok(std::time::Duration::try_from_secs_f64(wait).unwrap_or_default())
}
