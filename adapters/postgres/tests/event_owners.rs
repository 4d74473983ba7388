//! `PgEventOwners` on the real PostgreSQL: the first organization to claim an event id keeps it.

use kaiten_application::UnitOfWorkExt;
use kaiten_application::ports::webhooks::EventOwners;
use kaiten_domain::clock;
use kaiten_domain::organization::Organization;
use kaiten_postgres::{PgEventOwners, PgUnitOfWork};
use kaiten_test_support::TestDatabase;
use uuid::Uuid;

#[tokio::test]
async fn an_event_id_belongs_to_the_first_organization_that_claims_it() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let pool = kaiten_postgres::connect(&db.url, 4).await?;
    let uow: Box<dyn kaiten_application::UnitOfWork> = Box::new(PgUnitOfWork::new(pool.clone()));
    let (acme, globex) = (Organization::create("Acme", clock::now())?, Organization::create("Globex", clock::now())?);
    for organization in [acme.clone(), globex.clone()] {
        uow.run(|repos| async move { repos.organizations.insert(&organization).await }).await?;
    }
    let owners = PgEventOwners::new(pool);
    let event = Uuid::now_v7();
    assert!(owners.claim(event, acme.id).await?, "the first claim wins");
    assert!(owners.claim(event, acme.id).await?, "claiming again (a redelivery) is the same owner");
    assert!(!owners.claim(event, globex.id).await?, "another organization never gets it");
    assert!(owners.claim(Uuid::now_v7(), globex.id).await?, "its own ids are its own");
    Ok(())
}
