//! The migration to Kaiten's CDC columns keeps every existing outbox row: `payload` becomes `data`,
//! `created_at` becomes `occurred_at`, and the `traceparent` column moves inside `headers`.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_test_support::TestDatabase;

const MIGRATION: &str = "2026-12-02-000008";

#[derive(QueryableByName, Debug, PartialEq)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    data: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    headers: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    occurred_at: String,
}

#[tokio::test]
async fn existing_rows_keep_their_data_time_and_trace_context() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    db.create_migrated_before(MIGRATION).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO outbox_events (id, event_name, event_type, payload, organization_id, traceparent, headers, created_at)
         VALUES (gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', '{\"name\": \"Traced\"}',
                 gen_random_uuid(), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', NULL,
                 '2026-09-01 12:00:00+00'),
                (gen_random_uuid(), 'CUSTOMER_UPDATE', 'com.kaiten.customer.v1.updated', '{\"name\": \"Plain\"}',
                 gen_random_uuid(), NULL, NULL, '2026-09-01 12:00:01+00'),
                (gen_random_uuid(), 'CUSTOMER_DELETION', 'com.kaiten.customer.v1.deleted', '{\"name\": \"Both\"}',
                 gen_random_uuid(), '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '{\"instance_id\": \"i-1\"}',
                 '2026-09-01 12:00:02+00')",
    )
    .await?;
    drop(conn);
    db.migrate_from(MIGRATION).await?;
    let mut conn = db.connect().await?;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT data::text AS data, headers::text AS headers, to_char(occurred_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS occurred_at
         FROM outbox_events ORDER BY occurred_at",
    )
    .load(&mut conn)
    .await?;
    let row = |data: &str, headers: Option<&str>, at: &str| Row {
        data: data.into(),
        headers: headers.map(Into::into),
        occurred_at: at.into(),
    };
    assert_eq!(
        rows,
        [
            row(
                r#"{"name": "Traced"}"#,
                Some(r#"{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#),
                "12:00:00"
            ),
            row(r#"{"name": "Plain"}"#, None, "12:00:01"),
            row(
                r#"{"name": "Both"}"#,
                Some(
                    r#"{"instance_id": "i-1", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}"#
                ),
                "12:00:02"
            ),
        ]
    );
    Ok(())
}

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// The column names the relay and the envelope parser spell are the migrated table's.
#[tokio::test]
async fn the_outbox_columns_the_pipeline_names_are_the_table_columns() -> anyhow::Result<()> {
    use kaiten_application::envelope::outbox_columns as column;
    let db = TestDatabase::new();
    db.create_migrated().await?;
    let mut conn = db.connect().await?;
    let names: Vec<ColumnName> = diesel::sql_query(
        "SELECT attname::text AS name FROM pg_attribute \
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname",
    )
    .bind::<diesel::sql_types::Text, _>(column::TABLE)
    .load(&mut conn)
    .await?;
    let mut table: Vec<String> = names.into_iter().map(|c| c.name).collect();
    let mut named: Vec<String> = column::CURRENT.iter().map(|c| (*c).to_owned()).collect();
    table.sort();
    named.sort();
    assert_eq!(table, named);
    Ok(())
}
