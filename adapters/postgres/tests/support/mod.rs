//! What several tests of the PostgreSQL adapter read back directly.

use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

#[derive(QueryableByName)]
struct OutboxId {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// The ids of the outbox rows stored, in id order.
pub async fn outbox_ids(conn: &mut diesel_async::AsyncPgConnection) -> anyhow::Result<Vec<Uuid>> {
    let rows: Vec<OutboxId> = diesel::sql_query("SELECT id FROM outbox_events ORDER BY id").load(conn).await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}
