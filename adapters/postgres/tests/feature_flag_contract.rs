//! The migration to Kaiten's feature-flag form keeps every flag: a default variant name becomes a
//! basic default, every rule a basic targeting in order (an object rule as its JSON text), a null
//! metadata `{}`; the analytics event name starts empty.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_test_support::TestDatabase;

const MIGRATION: &str = "2026-12-02-000017";

#[derive(QueryableByName, Debug, PartialEq)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    default_variant: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    targetings: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    metadata: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    event_name: String,
}

#[tokio::test]
async fn existing_flags_take_kaitens_form() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    db.create_migrated_before(MIGRATION).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        r#"INSERT INTO organizations (id, name, slug, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', 'Acme', 'acme', now());
         INSERT INTO feature_flags (id, organization_id, name, slug, type, enabled, variants, default_variant,
                                    targeting_rules, metadata, created_at, updated_at, created_by, updated_by)
         VALUES (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'Dark', 'dark', 'boolean', true,
                 '[{"name": "on", "value": true, "description": null}, {"name": "off", "value": false}]', 'off',
                 '[{"name": "beta", "rule": {"plan": "beta"}, "variant": "on"}, {"name": "staff", "rule": "staff", "variant": "off"}]',
                 NULL, now(), now(), '{"id": "00000000-0000-0000-0000-000000000000"}', '{"id": "00000000-0000-0000-0000-000000000000"}');"#,
    )
    .await?;
    drop(conn);
    db.migrate_from(MIGRATION).await?;
    let mut conn = db.connect().await?;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT default_variant::text AS default_variant, targetings::text AS targetings, metadata::text AS metadata, event_name
         FROM feature_flags",
    )
    .load(&mut conn)
    .await?;
    assert_eq!(
        rows,
        [Row {
            default_variant: r#"{"type": "basic", "value": "off"}"#.into(),
            targetings: concat!(
                r#"[{"name": "beta", "rule": "{\"plan\": \"beta\"}", "type": "basic", "variant": "on"}, "#,
                r#"{"name": "staff", "rule": "staff", "type": "basic", "variant": "off"}]"#
            )
            .into(),
            metadata: "{}".into(),
            event_name: String::new(),
        }]
    );
    Ok(())
}
