//! The migration to license families keeps every license: the versions of one name become one family
//! (slugged after its first version, its last version kept), an inactive license is ARCHIVED, a null
//! description becomes "", and only the newest published default of a family stays the default.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_test_support::TestDatabase;

const MIGRATION: &str = "2026-12-02-000013";

#[derive(QueryableByName, Debug, PartialEq)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    family: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    last_version: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    lifecycle_state: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_default: bool,
    #[diesel(sql_type = diesel::sql_types::Text)]
    description: String,
}

#[tokio::test]
async fn versions_of_a_name_become_one_family() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    db.create_migrated_before(MIGRATION).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO organizations (id, name, slug, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', 'Acme', 'acme', now());
         INSERT INTO licenses (id, organization_id, name, slug, description, type, version, is_active, is_default, created_at, updated_at)
         VALUES (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'Pro', 'pro-2025', 'First', 'PAID', 1, true, true, now() - interval '2 days', now()),
                (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'Pro', 'pro-2026', NULL, 'PAID', 2, true, true, now() - interval '1 day', now()),
                (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', 'Trial', 'trial', NULL, 'TRIAL', 1, false, true, now(), now());",
    )
    .await?;
    drop(conn);
    db.migrate_from(MIGRATION).await?;
    let mut conn = db.connect().await?;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT l.slug, f.slug AS family, f.last_version, l.lifecycle_state, l.is_default, l.description
           FROM licenses l JOIN license_families f ON f.id = l.family_id ORDER BY l.slug",
    )
    .load(&mut conn)
    .await?;
    let row = |slug: &str, family: &str, last: i32, state: &str, default: bool, description: &str| Row {
        slug: slug.into(),
        family: family.into(),
        last_version: last,
        lifecycle_state: state.into(),
        is_default: default,
        description: description.into(),
    };
    assert_eq!(
        rows,
        [
            row("pro-2025", "pro-2025", 2, "PUBLISHED", false, "First"),
            row("pro-2026", "pro-2025", 2, "PUBLISHED", true, ""),
            row("trial", "trial", 1, "ARCHIVED", false, ""),
        ]
    );
    Ok(())
}
