//! Instances' audit trails: appended with each instance event, read newest first by keyset.

use crate::errors::repo_error;
use crate::schema::instance_audit_trails;
use crate::scoped::newest_page_and_total;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_domain::instance_audit::{AuditEntry, AuditFilter};
use kaiten_domain::{PageKey, Paged, Slug};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = instance_audit_trails, check_for_backend(diesel::pg::Pg))]
struct EntryRow {
    id: Uuid,
    organization_id: Uuid,
    instance_id: Uuid,
    instance_slug: String,
    event_name: String,
    event_type: String,
    payload: Value,
    created_at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &mut AsyncPgConnection, entry: &AuditEntry) -> Result<(), RepoError> {
    let row = EntryRow {
        id: entry.id,
        organization_id: entry.organization_id,
        instance_id: entry.instance_id,
        instance_slug: entry.instance_slug.to_string(),
        event_name: entry.event_name.clone(),
        event_type: entry.event_type.clone(),
        payload: entry.payload.clone(),
        created_at: entry.created_at,
    };
    diesel::insert_into(instance_audit_trails::table).values(row).execute(conn).await.map_err(repo_error)?;
    Ok(())
}

pub(crate) async fn page(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    instance_id: Uuid,
    filter: &AuditFilter,
) -> Result<Paged<AuditEntry>, RepoError> {
    let filtered = || {
        let mut query = instance_audit_trails::table
            .filter(instance_audit_trails::organization_id.eq(organization_id))
            .filter(instance_audit_trails::instance_id.eq(instance_id))
            .into_boxed();
        if let Some(name) = &filter.event_name {
            query = query.filter(instance_audit_trails::event_name.eq(name.clone()));
        }
        if let Some(after) = filter.after {
            query = query.filter(instance_audit_trails::created_at.gt(after));
        }
        if let Some(before) = filter.before {
            query = query.filter(instance_audit_trails::created_at.lt(before));
        }
        query
    };
    let (rows, total): (Vec<EntryRow>, i64) = newest_page_and_total!(conn, instance_audit_trails, filter.page,
        rows: filtered(),
        select: EntryRow::as_select(),
        count: filtered(),
    )?;
    Paged::from_keyset(rows, total, filter.page, |row| PageKey { created_at: row.created_at, id: row.id }).try_map(
        |row| {
            Ok(AuditEntry {
                id: row.id,
                instance_id: row.instance_id,
                instance_slug: Slug::parse(&row.instance_slug).map_err(RepoError::from)?,
                event_name: row.event_name,
                event_type: row.event_type,
                created_at: row.created_at,
                payload: row.payload,
                organization_id: row.organization_id,
            })
        },
    )
}
