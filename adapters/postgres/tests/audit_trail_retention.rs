//! Instance audit trails are pruned by age: entries older than the retention go, newer ones stay.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use kaiten_application::ports::retention::Retention;
use kaiten_postgres::PgRetention;
use kaiten_test_support::TestDatabase;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

#[tokio::test]
async fn entries_older_than_the_retention_are_deleted() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 2).await?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO organizations (id, name, slug, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', 'Acme', 'acme', now());
         INSERT INTO instance_audit_trails (id, organization_id, instance_id, instance_slug, event_name, event_type,
                                            payload, created_at)
         SELECT gen_random_uuid(), '00000000-0000-0000-0000-00000000000a', gen_random_uuid(), 'prod',
                'INSTANCE_UPDATED', 'com.kaiten.instance.v1.updated', '{}', now() - make_interval(days => 100 * n)
         FROM generate_series(1, 5) AS n",
    )
    .await?;
    let retention = PgRetention::audit_trails(pool);
    let older_than = chrono::Utc::now() - chrono::TimeDelta::days(250);
    assert_eq!(retention.prune_batch(older_than, 2).await?, 2, "a batch is bounded");
    assert_eq!(retention.prune_batch(older_than, 2).await?, 1);
    assert_eq!(retention.prune_batch(older_than, 2).await?, 0);
    let left: Count =
        diesel::sql_query("SELECT count(*) AS count FROM instance_audit_trails").get_result(&mut conn).await?;
    assert_eq!(left.count, 2, "the entries 100 and 200 days old stay");
    Ok(())
}
