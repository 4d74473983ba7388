//! The unit of work on the real PostgreSQL: the domain row and the outbox row commit together or not at all.
//! (Outside a unit of work there is no outbox to append to: the pooled `Repositories` have none.)

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::{RepoError, UnitOfWork, UnitOfWorkExt, UseCaseError};
use kaiten_contract::ToWire;
use kaiten_domain::customer::{Customer, NewCustomer};
use kaiten_domain::organization::Organization;
use kaiten_domain::{EventKind, OutboxEvent, clock};
use kaiten_postgres::PgUnitOfWork;
use kaiten_test_support::TestDatabase;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

async fn count(db: &TestDatabase, table: &str) -> anyhow::Result<i64> {
    let mut conn = db.connect().await?;
    let row: Count = diesel::sql_query(format!("SELECT count(*) AS count FROM {table}")).get_result(&mut conn).await?;
    Ok(row.count)
}

async fn setup() -> anyhow::Result<(TestDatabase, Box<dyn UnitOfWork>, Organization)> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 4).await?;
    let uow: Box<dyn UnitOfWork> = Box::new(PgUnitOfWork::new(pool));
    let organization = Organization::create("Acme", clock::now())?;
    let stored = organization.clone();
    uow.run(|repos| async move { repos.organizations.insert(&stored).await }).await?;
    Ok((db, uow, organization))
}

fn customer_with_event(organization: &Organization) -> anyhow::Result<(Customer, OutboxEvent)> {
    let input = NewCustomer { name: "Globex".into(), slug: None, external_customer_id: None, domain: None };
    let customer = Customer::create(organization.id, input, &kaiten_domain::Actor::unknown(), clock::now())?;
    let event = OutboxEvent::of(EventKind::CustomerCreation, organization.id, &customer.to_wire(), None)?;
    Ok((customer, event))
}

#[tokio::test]
async fn commits_the_domain_row_and_the_outbox_row_together() -> anyhow::Result<()> {
    let (db, uow, organization) = setup().await?;
    let (customer, event) = customer_with_event(&organization)?;
    let result: Result<(), RepoError> =
        uow.run(|repos| async move { repos.customers.insert_reported(&customer, &event).await }).await;
    result?;
    assert_eq!(count(&db, "customers").await?, 1);
    assert_eq!(count(&db, "outbox_events").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_failure_after_the_domain_write_leaves_neither_row() -> anyhow::Result<()> {
    let (db, uow, organization) = setup().await?;
    let (customer, event) = customer_with_event(&organization)?;
    let result: Result<(), UseCaseError> = uow
        .run(|repos| async move {
            repos.customers.insert_reported(&customer, &event).await?;
            Err(UseCaseError::Unexpected("forced failure after both writes".into()))
        })
        .await;
    assert!(matches!(result, Err(UseCaseError::Unexpected(_))));
    assert_eq!(count(&db, "customers").await?, 0);
    assert_eq!(count(&db, "outbox_events").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_failing_outbox_append_rolls_back_the_domain_write() -> anyhow::Result<()> {
    let (db, uow, organization) = setup().await?;
    let (customer, event) = customer_with_event(&organization)?;
    let duplicate = event.clone();
    let result: Result<(), RepoError> = uow
        .run(|repos| async move {
            repos.customers.insert_reported(&customer, &event).await?;
            // The same outbox id twice: the database refuses the second row.
            repos.outbox.append(&duplicate).await
        })
        .await;
    assert!(matches!(result, Err(RepoError::Conflict(_))), "{result:?}");
    assert_eq!(count(&db, "customers").await?, 0);
    assert_eq!(count(&db, "outbox_events").await?, 0);
    Ok(())
}
