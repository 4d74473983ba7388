//! The organization-scoped tables with a slug, stored once for all. `scoped_table!` writes a row
//! type's queries ([`ScopedTable`]: insert, replace, delete, find by slug or id with a lock, a
//! newest-first page); the row says how it maps to its domain type ([`ScopedRow`]); and
//! [`PgScopedRepository`] is the one [`ScopedRepository`] over any such row. Deployment zones and
//! licenses, whose reads join another table, implement the port themselves (licenses on the same
//! queries, zones on their own, which keep the current release out of an update).

use crate::connection::ConnectionSource;
use async_trait::async_trait;
use diesel_async::AsyncPgConnection;
use kaiten_application::RepoError;
use kaiten_application::ports::scoped::ScopedRepository;
use kaiten_domain::{OutboxEvent, Page, Paged, Slug};
use std::marker::PhantomData;
use uuid::Uuid;

/// How a row is found in its organization.
#[derive(Clone, Copy)]
pub(crate) enum RowKey<'a> {
    Slug(&'a Slug),
    Id(Uuid),
}

/// The lock a read takes on the row it finds, held until the transaction ends.
#[derive(Clone, Copy)]
pub(crate) enum RowLock {
    None,
    /// Not deleted or changed meanwhile.
    Share,
    /// Not read for update, changed or deleted by anyone else meanwhile.
    Update,
}

impl RowLock {
    pub(crate) fn for_update(for_update: bool) -> Self {
        if for_update { Self::Update } else { Self::None }
    }
}

/// The queries on one organization-scoped table, read and written as `Self` (see `scoped_table!`).
#[async_trait]
pub(crate) trait ScopedTable: Sized + Send + 'static {
    /// Inserts the row with the outbox row of `event` in the same statement ([`crate::reported`]); a
    /// taken slug (or other unique field) is a `Conflict`.
    async fn insert_reported(conn: &mut AsyncPgConnection, row: Self, event: &OutboxEvent) -> Result<(), RepoError>;
    /// Replaces the row with the same id and organization; `NotFound` when there is none.
    async fn replace(conn: &mut AsyncPgConnection, row: Self) -> Result<(), RepoError>;
    /// `NotFound` when there is no such row.
    async fn delete(conn: &mut AsyncPgConnection, organization_id: Uuid, id: Uuid) -> Result<(), RepoError>;
    async fn find(
        conn: &mut AsyncPgConnection,
        organization_id: Uuid,
        key: RowKey<'_>,
        lock: RowLock,
    ) -> Result<Option<Self>, RepoError>;
    /// One page of the organization's rows, newest first, after the page's cursor, and how many
    /// there are in all.
    async fn page(conn: &mut AsyncPgConnection, organization_id: Uuid, page: Page) -> Result<Paged<Self>, RepoError>;
}

/// A row that is one domain resource.
pub(crate) trait ScopedRow: ScopedTable {
    type Entity: Send + Sync + 'static;
    fn from_entity(entity: &Self::Entity) -> Result<Self, RepoError>;
    fn into_entity(self) -> Result<Self::Entity, RepoError>;
}

/// The [`ScopedRepository`] of the resource stored as `Row`.
pub(crate) struct PgScopedRepository<Row> {
    source: ConnectionSource,
    row: PhantomData<fn() -> Row>,
}

impl<Row> PgScopedRepository<Row> {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source, row: PhantomData }
    }
}

#[async_trait]
impl<Row: ScopedRow> ScopedRepository<Row::Entity> for PgScopedRepository<Row> {
    async fn insert_reported(&self, resource: &Row::Entity, event: &OutboxEvent) -> Result<(), RepoError> {
        let row = Row::from_entity(resource)?;
        Row::insert_reported(&mut *self.source.get().await?, row, event).await
    }

    async fn update(&self, resource: &Row::Entity) -> Result<(), RepoError> {
        let row = Row::from_entity(resource)?;
        Row::replace(&mut *self.source.get().await?, row).await
    }

    async fn delete(&self, organization_id: Uuid, id: Uuid) -> Result<(), RepoError> {
        Row::delete(&mut *self.source.get().await?, organization_id, id).await
    }

    async fn find_by_slug(
        &self,
        organization_id: Uuid,
        slug: &Slug,
        for_update: bool,
    ) -> Result<Option<Row::Entity>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = Row::find(&mut conn, organization_id, RowKey::Slug(slug), RowLock::for_update(for_update)).await?;
        row.map(Row::into_entity).transpose()
    }

    async fn find_by_id(&self, organization_id: Uuid, id: Uuid) -> Result<Option<Row::Entity>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = Row::find(&mut conn, organization_id, RowKey::Id(id), RowLock::Share).await?;
        row.map(Row::into_entity).transpose()
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<Row::Entity>, RepoError> {
        Row::page(&mut *self.source.get().await?, organization_id, page).await?.try_map(Row::into_entity)
    }
}

/// A boxed query narrowed to one newest-first page of `$table`: ordered by (`created_at`, `id`)
/// descending, after the page's cursor, skipping its offset, one row more than the page holds (see
/// `Paged::from_keyset`).
macro_rules! newest_first {
    ($query:expr, $table:ident, $page:expr) => {{
        let page: kaiten_domain::Page = $page;
        let mut query =
            $query.order(($table::created_at.desc(), $table::id.desc())).limit(page.fetch()).offset(page.offset);
        if let Some(after) = page.after {
            query = query.filter(
                $table::created_at
                    .lt(after.created_at)
                    .or($table::created_at.eq(after.created_at).and($table::id.lt(after.id))),
            );
        }
        query
    }};
}

/// One newest-first page of `rows` (a boxed query of `$table`, see [`newest_first`]) selected as
/// `select`, and the number of rows `count` (the same rows, unpaged) holds, both read in one snapshot
/// through `$conn` (see `in_one_snapshot!`): `Result<(Vec<_>, i64), RepoError>`.
macro_rules! newest_page_and_total {
    ($conn:ident, $table:ident, $page:expr, rows: $rows:expr, select: $select:expr, count: $count:expr $(,)?) => {
        $crate::snapshot::in_one_snapshot!($conn, {
            let rows = $crate::scoped::newest_first!($rows, $table, $page).select($select).load($conn).await?;
            Ok((rows, $count.count().get_result($conn).await?))
        })
        .map_err($crate::errors::repo_error)
    };
}
pub(crate) use newest_page_and_total;

/// Implements [`ScopedTable`] for `$row`, a row of `$table` (`Queryable`, `Selectable`,
/// `Insertable` and `AsChangeset`, with `id` and `organization_id` fields).
macro_rules! scoped_table {
    ($table:ident, $row:ty) => {
        #[async_trait::async_trait]
        impl $crate::scoped::ScopedTable for $row {
            async fn insert_reported(
                conn: &mut diesel_async::AsyncPgConnection,
                row: Self,
                event: &kaiten_domain::OutboxEvent,
            ) -> Result<(), RepoError> {
                $crate::reported::insert_with_event(conn, diesel::insert_into($table::table).values(row), event).await
            }

            async fn replace(conn: &mut diesel_async::AsyncPgConnection, row: Self) -> Result<(), RepoError> {
                let changed = diesel::update($table::table)
                    .filter($table::id.eq(row.id))
                    .filter($table::organization_id.eq(row.organization_id))
                    .set(row)
                    .execute(conn)
                    .await
                    .map_err(repo_error)?;
                if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
            }

            async fn delete(
                conn: &mut diesel_async::AsyncPgConnection,
                organization_id: uuid::Uuid,
                id: uuid::Uuid,
            ) -> Result<(), RepoError> {
                let deleted = diesel::delete($table::table)
                    .filter($table::id.eq(id))
                    .filter($table::organization_id.eq(organization_id))
                    .execute(conn)
                    .await
                    .map_err(repo_error)?;
                if deleted == 0 { Err(RepoError::NotFound) } else { Ok(()) }
            }

            async fn find(
                conn: &mut diesel_async::AsyncPgConnection,
                organization_id: uuid::Uuid,
                key: $crate::scoped::RowKey<'_>,
                lock: $crate::scoped::RowLock,
            ) -> Result<Option<Self>, RepoError> {
                type Key<'k> = Box<
                    dyn diesel::BoxableExpression<$table::table, diesel::pg::Pg, SqlType = diesel::sql_types::Bool>
                        + 'k,
                >;
                let key: Key<'_> = match key {
                    $crate::scoped::RowKey::Slug(slug) => Box::new($table::slug.eq(slug.as_str())),
                    $crate::scoped::RowKey::Id(id) => Box::new($table::id.eq(id)),
                };
                let query = $table::table
                    .filter($table::organization_id.eq(organization_id))
                    .filter(key)
                    .select(<$row>::as_select());
                let row = match lock {
                    $crate::scoped::RowLock::None => query.first(conn).await,
                    $crate::scoped::RowLock::Share => query.for_share().first(conn).await,
                    $crate::scoped::RowLock::Update => query.for_update().first(conn).await,
                };
                row.optional().map_err(repo_error)
            }

            async fn page(
                conn: &mut diesel_async::AsyncPgConnection,
                organization_id: uuid::Uuid,
                page: kaiten_domain::Page,
            ) -> Result<kaiten_domain::Paged<Self>, RepoError> {
                let of_organization = $table::organization_id.eq(organization_id);
                let (rows, total): (Vec<$row>, i64) = $crate::scoped::newest_page_and_total!(conn, $table, page,
                    rows: $table::table.filter(of_organization).into_boxed(),
                    select: <$row>::as_select(),
                    count: $table::table.filter(of_organization),
                )?;
                Ok(kaiten_domain::Paged::from_keyset(rows, total, page, |row: &$row| kaiten_domain::PageKey {
                    created_at: row.created_at,
                    id: row.id,
                }))
            }
        }
    };
}

pub(crate) use {newest_first, scoped_table};
