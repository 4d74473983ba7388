//! The recoveries an organization starts are kept up to a bound: asking again and again never grows
//! the table past it, and another organization's recoveries are untouched.

use diesel_async::SimpleAsyncConnection;
use kaiten_application::ports::webhook_management::{RecoveryLog, RecoveryRecord, RecoveryStart};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryWindow};
use kaiten_postgres::{MAX_RECOVERIES_KEPT, PgRecoveryLog};
use kaiten_test_support::TestDatabase;
use uuid::Uuid;

const ACME: Uuid = Uuid::from_u128(0x0191a5b2_0000_7000_8000_0000000000a1);
const GLOBEX: Uuid = Uuid::from_u128(0x0191a5b2_0000_7000_8000_0000000000a2);

fn recovery(organization_id: Uuid, at: chrono::DateTime<chrono::Utc>) -> RecoveryRecord {
    RecoveryRecord {
        id: Uuid::now_v7(),
        organization_id,
        endpoint_id: "e".into(),
        kind: RecoveryKind::Recover,
        window: RecoveryWindow { since: at - chrono::Duration::hours(1), until: at },
        start: RecoveryStart { queued: Some(0), more: false, backend_task_id: None },
        created_at: at,
    }
}

#[tokio::test]
async fn an_organization_keeps_only_its_newest_recoveries() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 4).await?;
    db.connect()
        .await?
        .batch_execute(&format!(
            "INSERT INTO organizations (id, name, slug, created_at) VALUES ('{ACME}', 'Acme', 'acme', now()),
                                                                           ('{GLOBEX}', 'Globex', 'globex', now());"
        ))
        .await?;
    let log = PgRecoveryLog::new(pool);
    let start = chrono::Utc::now() - chrono::Duration::days(1);
    let globex = recovery(GLOBEX, start);
    log.record(&globex).await?;
    let mut recorded = Vec::new();
    for n in 0..=MAX_RECOVERIES_KEPT + 2 {
        let record = recovery(ACME, start + chrono::Duration::seconds(n));
        log.record(&record).await?;
        recorded.push(record);
    }
    for forgotten in &recorded[..3] {
        assert_eq!(log.find(ACME, forgotten.id).await?, None, "the oldest beyond the bound are gone");
    }
    assert_eq!(log.find(ACME, recorded[3].id).await?.map(|r| r.id), Some(recorded[3].id));
    let newest = recorded.last().map(|r| r.id).unwrap_or_default();
    assert_eq!(log.find(ACME, newest).await?.map(|r| r.id), Some(newest));
    assert_eq!(log.find(GLOBEX, globex.id).await?.map(|r| r.id), Some(globex.id), "another organization's stays");
    Ok(())
}
