//! The migration that records who made each change keeps every existing row: rows written before it
//! show the nil id and no name as their creator and last editor, as do rows written by hand.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_test_support::TestDatabase;

const MIGRATION: &str = "2026-12-02-000009";

#[derive(QueryableByName, Debug, PartialEq)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    created_by: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    updated_by: String,
}

#[tokio::test]
async fn rows_written_before_or_by_hand_show_an_unknown_actor() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    db.create_migrated_before(MIGRATION).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO organizations (id, name, slug, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', 'Acme', 'acme', now());
         INSERT INTO customers (id, organization_id, name, slug, created_at, updated_at)
         VALUES (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'Legacy', 'legacy', now(), now());",
    )
    .await?;
    drop(conn);
    db.migrate_from(MIGRATION).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO customers (id, organization_id, name, slug, created_at, updated_at)
         VALUES (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'By hand', 'by-hand', now(), now())",
    )
    .await?;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT name, created_by::text AS created_by, updated_by::text AS updated_by FROM customers ORDER BY name",
    )
    .load(&mut conn)
    .await?;
    let unknown = |name: &str| Row {
        name: name.into(),
        created_by: r#"{"id": "00000000-0000-0000-0000-000000000000", "name": null}"#.into(),
        updated_by: r#"{"id": "00000000-0000-0000-0000-000000000000", "name": null}"#.into(),
    };
    assert_eq!(rows, [unknown("By hand"), unknown("Legacy")]);
    Ok(())
}
