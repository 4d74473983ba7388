//! Reads whose statements must agree with each other: a page and the total counted beside it, the
//! figures of one report. Run in one snapshot, a row committed between the two statements is either
//! in both or in neither, never counted but missing from the page. Also the two transaction helpers
//! the unit of work and the writes that open their own transaction share.

use crate::errors::repo_error;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use kaiten_application::RepoError;

/// Whether `conn` is inside a transaction already (a unit of work's).
pub(crate) fn in_transaction(conn: &mut AsyncPgConnection) -> bool {
    matches!(AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth(), Ok(Some(_)))
}

/// Ends the transaction `conn` is in: commits on `Ok(true)`, rolls back on `Ok(false)` and on an
/// error (which is returned; a failed rollback is only logged beside it).
pub(crate) async fn end_transaction(
    conn: &mut AsyncPgConnection,
    outcome: Result<bool, RepoError>,
) -> Result<(), RepoError> {
    match outcome {
        Ok(true) => AnsiTransactionManager::commit_transaction(conn).await.map_err(repo_error),
        Ok(false) => AnsiTransactionManager::rollback_transaction(conn).await.map_err(repo_error),
        Err(error) => {
            if let Err(rollback) = AnsiTransactionManager::rollback_transaction(conn).await {
                tracing::warn!(%rollback, "rollback failed after {error}");
            }
            Err(error)
        }
    }
}

/// Runs `$body`, an expression of type `Result<T, diesel::result::Error>` that reads through
/// `$conn: &mut AsyncPgConnection`, so that all its statements see one snapshot: in a read-only,
/// repeatable-read transaction of its own; or, on a connection already inside a unit of work's
/// transaction, in that transaction (whose isolation level then decides).
macro_rules! in_one_snapshot {
    ($conn:ident, $body:expr) => {{
        if $crate::snapshot::in_transaction($conn) {
            async { $body }.await
        } else {
            $conn
                .build_transaction()
                .read_only()
                .repeatable_read()
                .run::<_, diesel::result::Error, _>(async move |$conn| $body)
                .await
        }
    }};
}
pub(crate) use in_one_snapshot;

#[cfg(test)]
mod tests {
    use diesel::QueryableByName;
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    use kaiten_test_support::TestDatabase;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    async fn count(conn: &mut AsyncPgConnection) -> Result<i64, diesel::result::Error> {
        let row: Count = diesel::sql_query("SELECT count(*) AS n FROM snapshot_probe").get_result(conn).await?;
        Ok(row.n)
    }

    async fn insert(conn: &mut AsyncPgConnection) -> Result<usize, diesel::result::Error> {
        diesel::sql_query("INSERT INTO snapshot_probe VALUES (1)").execute(conn).await
    }

    #[tokio::test]
    async fn a_row_committed_between_two_statements_is_seen_by_neither() -> anyhow::Result<()> {
        let db = TestDatabase::new();
        db.create_migrated().await?;
        let (mut reader, mut writer) = (db.connect().await?, db.connect().await?);
        diesel::sql_query("CREATE TABLE snapshot_probe (n int)").execute(&mut writer).await?;
        insert(&mut writer).await?;
        let conn = &mut reader;
        let writer = &mut writer;
        let (first, second) = in_one_snapshot!(conn, {
            let first = count(conn).await?;
            insert(writer).await?;
            Ok((first, count(conn).await?))
        })?;
        assert_eq!((first, second), (1, 1), "both statements read the snapshot of the first");
        assert_eq!(count(&mut reader).await?, 2, "the row was committed");
        Ok(())
    }

    #[tokio::test]
    async fn inside_a_unit_of_work_it_reads_in_that_transaction() -> anyhow::Result<()> {
        let db = TestDatabase::new();
        db.create_migrated().await?;
        let mut conn = db.connect().await?;
        diesel::sql_query("CREATE TABLE snapshot_probe (n int)").execute(&mut conn).await?;
        let seen = conn
            .transaction::<_, diesel::result::Error, _>(async |conn| {
                insert(conn).await?;
                in_one_snapshot!(conn, count(conn).await)
            })
            .await?;
        assert_eq!(seen, 1, "the read sees the enclosing transaction's own uncommitted row");
        Ok(())
    }
}
