//! A resource's insert and the outbox row of the event reporting it as one statement:
//! `WITH outbox_row AS (INSERT INTO outbox_events …) INSERT INTO <table> …`. PostgreSQL runs a
//! data-modifying `WITH` exactly once, to completion, within the statement, so both rows are written
//! or neither, without a transaction block: one round trip instead of four (`BEGIN`, the two INSERTs,
//! `COMMIT`), the same rows in the same transaction for the relay.

use crate::errors::repo_error;
use crate::outbox;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use kaiten_application::RepoError;
use kaiten_domain::OutboxEvent;

/// `WITH outbox_row AS (<event>) <insert>`.
struct WithOutboxRow<E, I> {
    event: E,
    insert: I,
}

impl<E: QueryFragment<Pg>, I: QueryFragment<Pg>> QueryFragment<Pg> for WithOutboxRow<E, I> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH outbox_row AS (");
        self.event.walk_ast(out.reborrow())?;
        out.push_sql(") ");
        self.insert.walk_ast(out.reborrow())
    }
}

impl<E, I> QueryId for WithOutboxRow<E, I> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Runs `insert` (one INSERT statement) with the outbox row of `event` in the same statement. A
/// taken unique field is the insert's conflict; an event id stored already is `duplicate_event_id`.
pub(crate) async fn insert_with_event<I>(
    conn: &mut AsyncPgConnection,
    insert: I,
    event: &OutboxEvent,
) -> Result<(), RepoError>
where
    I: QueryFragment<Pg> + Send,
{
    WithOutboxRow { event: outbox::new_row(event), insert }.execute(conn).await.map_err(repo_error)?;
    outbox::count_append(event);
    Ok(())
}
