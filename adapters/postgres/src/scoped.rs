//! The queries every organization-scoped table with a slug shares: insert, update by id, delete by
//! id, find by slug (optionally locking the row), and a newest-first page with the total.

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

/// Generates `update_scoped` for `$table` written from `$row` (which must be `AsChangeset`).
macro_rules! scoped_update {
    ($table:ident, $row:ty) => {
        /// Replaces the organization's row `id`; `NotFound` when there is none.
        async fn update_scoped(
            conn: &mut diesel_async::AsyncPgConnection,
            organization_id: Uuid,
            id: Uuid,
            row: $row,
        ) -> Result<(), RepoError> {
            let changed = diesel::update($table::table)
                .filter($table::id.eq(id))
                .filter($table::organization_id.eq(organization_id))
                .set(row)
                .execute(conn)
                .await
                .map_err(repo_error)?;
            if changed == 0 { Err(RepoError::NotFound) } else { Ok(()) }
        }
    };
}

/// Generates `insert_scoped`, `delete_scoped`, `find_scoped` and `page_scoped` for `$table`, read and
/// written as `$row`.
macro_rules! scoped_queries {
    ($table:ident, $row:ty) => {
        /// Inserts the row; a taken slug is a `Conflict`.
        async fn insert_scoped(conn: &mut diesel_async::AsyncPgConnection, row: $row) -> Result<(), RepoError> {
            diesel::insert_into($table::table).values(row).execute(conn).await.map_err(repo_error)?;
            Ok(())
        }

        /// Deletes the organization's row `id`; `NotFound` when there is none.
        async fn delete_scoped(
            conn: &mut diesel_async::AsyncPgConnection,
            organization_id: Uuid,
            id: Uuid,
        ) -> Result<(), RepoError> {
            let deleted = diesel::delete($table::table)
                .filter($table::id.eq(id))
                .filter($table::organization_id.eq(organization_id))
                .execute(conn)
                .await
                .map_err(repo_error)?;
            if deleted == 0 { Err(RepoError::NotFound) } else { Ok(()) }
        }

        /// The organization's row with this slug; with `for_update` it stays locked until the transaction ends.
        async fn find_scoped(
            conn: &mut diesel_async::AsyncPgConnection,
            organization_id: Uuid,
            slug: &Slug,
            for_update: bool,
        ) -> Result<Option<$row>, RepoError> {
            let query = $table::table
                .filter($table::organization_id.eq(organization_id))
                .filter($table::slug.eq(slug.as_str()))
                .select(<$row>::as_select());
            let row = if for_update { query.for_update().first(conn).await } else { query.first(conn).await };
            row.optional().map_err(repo_error)
        }

        /// One page of the organization's rows, newest first, after the page's cursor, and how many
        /// there are in all.
        async fn page_scoped(
            conn: &mut diesel_async::AsyncPgConnection,
            organization_id: Uuid,
            page: kaiten_domain::Page,
        ) -> Result<kaiten_domain::Paged<$row>, RepoError> {
            let query = $crate::scoped::newest_first!(
                $table::table.filter($table::organization_id.eq(organization_id)).into_boxed(),
                $table,
                page
            );
            let rows = query.select(<$row>::as_select()).load(conn).await.map_err(repo_error)?;
            let total = $table::table
                .filter($table::organization_id.eq(organization_id))
                .count()
                .get_result(conn)
                .await
                .map_err(repo_error)?;
            Ok(kaiten_domain::Paged::from_keyset(rows, total, page, |row: &$row| kaiten_domain::PageKey {
                created_at: row.created_at,
                id: row.id,
            }))
        }
    };
}

pub(crate) use {newest_first, scoped_queries, scoped_update};
