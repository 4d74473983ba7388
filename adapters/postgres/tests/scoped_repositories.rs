//! Every organization-scoped resource is stored through the same port, `ScopedRepository`. Its
//! PostgreSQL implementations for customers, entitlements, releases and feature flags (the generic
//! one) and for deployment zones (their own) keep the same contract here: a slug is unique in its
//! organization, another organization's resource is not there, lists are newest first, deletion is
//! once, and a resource is inserted with the event reporting it, both or neither. Licenses, which
//! need a family first, are checked in `license_families.rs` and `reported_licenses.rs`.

mod support;

use kaiten_application::ports::scoped::ScopedRepository;
use kaiten_application::resource::ScopedResource;
use kaiten_application::{RepoError, Repositories};
use kaiten_domain::organization::Organization;
use kaiten_domain::{Actor, EventKind, OutboxEvent, Page, Slug, clock};
use kaiten_test_support::TestDatabase;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

/// The domain input parsed from the contract's request body, as the API does.
fn input<Wire: DeserializeOwned + Into<Domain>, Domain>(body: Value) -> anyhow::Result<Domain> {
    Ok(serde_json::from_value::<Wire>(body)?.into())
}

async fn organizations(repos: &Repositories) -> anyhow::Result<(Uuid, Uuid)> {
    let mut ids = Vec::new();
    for name in ["Acme", "Globex"] {
        let organization = Organization::create(name, clock::now())?;
        repos.organizations.insert(&organization).await?;
        ids.push(organization.id);
    }
    Ok((ids[0], ids[1]))
}

/// Runs the contract on the repository `pick` takes from the pooled repositories, with resources
/// `make` creates from an organization and a slug.
async fn keeps_the_contract<R: ScopedResource + std::fmt::Debug>(
    pick: impl Fn(&Repositories) -> Arc<dyn ScopedRepository<R>>,
    make: impl Fn(Uuid, &str) -> anyhow::Result<R>,
) -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let repos = kaiten_postgres::pooled_repositories(kaiten_postgres::connect(&db.url, 2).await?);
    let (acme, globex) = organizations(&repos).await?;
    let repo = pick(&repos);
    // The kind of the event does not matter to storage.
    let event = || OutboxEvent::of(EventKind::CustomerCreation, globex, &json!({"probe": R::NAME}), None);
    let (alpha, beta) = (make(acme, "alpha")?, make(acme, "beta")?);
    repo.insert_reported(&alpha, &event()?).await?;
    repo.insert_reported(&beta, &event()?).await?;
    let taken = repo.insert_reported(&make(acme, "alpha")?, &event()?).await;
    assert!(matches!(taken, Err(RepoError::Conflict(_))), "{} slug taken twice: {taken:?}", R::NAME);
    repo.insert_reported(&make(globex, "alpha")?, &event()?).await?;

    let slug = Slug::parse("alpha")?;
    let found = repo.find_by_slug(acme, &slug, false).await?.map(|r| r.id());
    assert_eq!(found, Some(alpha.id()), "{}", R::NAME);
    assert_eq!(repo.find_by_id(acme, alpha.id()).await?.map(|r| r.id()), Some(alpha.id()), "{}", R::NAME);
    assert!(repo.find_by_id(globex, alpha.id()).await?.is_none(), "{} seen from another organization", R::NAME);
    repo.update(&alpha).await?;

    let page = repo.list(acme, Page::parse(None, None, None)?).await?;
    let listed: Vec<Uuid> = page.items.iter().map(|r| r.id()).collect();
    assert_eq!((listed, page.total), (vec![beta.id(), alpha.id()], 2), "{} newest first", R::NAME);

    let foreign = repo.delete(globex, alpha.id()).await;
    assert!(matches!(foreign, Err(RepoError::NotFound)), "{} deleted from another organization", R::NAME);
    repo.delete(acme, alpha.id()).await?;
    assert!(repo.find_by_slug(acme, &slug, false).await?.is_none(), "{}", R::NAME);
    assert!(matches!(repo.delete(acme, alpha.id()).await, Err(RepoError::NotFound)), "{}", R::NAME);
    assert!(matches!(repo.update(&alpha).await, Err(RepoError::NotFound)), "{} updated once gone", R::NAME);
    assert!(repo.find_by_slug(globex, &slug, true).await?.is_some(), "{} deleted in another organization", R::NAME);

    // With the event reporting it: both rows or neither.
    let mut conn = db.connect().await?;
    let mut written = support::outbox_ids(&mut conn).await?;
    let (gamma, reported) = (make(globex, "gamma")?, event()?);
    repo.insert_reported(&gamma, &reported).await?;
    assert!(repo.find_by_id(globex, gamma.id()).await?.is_some(), "{} reported insert", R::NAME);
    written.push(reported.id);
    written.sort();
    assert_eq!(support::outbox_ids(&mut conn).await?, written, "{} event of the reported insert", R::NAME);
    let taken = repo.insert_reported(&make(globex, "gamma")?, &event()?).await;
    assert!(matches!(taken, Err(RepoError::Conflict(_))), "{} slug taken twice: {taken:?}", R::NAME);
    assert_eq!(support::outbox_ids(&mut conn).await?, written, "{} event of a refused insert", R::NAME);
    let delta = make(globex, "delta")?;
    let replayed = repo.insert_reported(&delta, &reported).await;
    assert!(
        matches!(&replayed, Err(RepoError::Conflict(c)) if c.code == "duplicate_event_id"),
        "{} event id stored twice: {replayed:?}",
        R::NAME
    );
    assert!(repo.find_by_id(globex, delta.id()).await?.is_none(), "{} stored without its event", R::NAME);
    Ok(())
}

fn actor() -> Actor {
    Actor::unknown()
}

#[tokio::test]
async fn customers_keep_the_contract() -> anyhow::Result<()> {
    use kaiten_domain::customer::Customer;
    keeps_the_contract(
        |repos| repos.customers.clone(),
        |org, slug| {
            let new = input::<kaiten_contract::customer::NewCustomer, _>(json!({"name": slug, "slug": slug}))?;
            Ok(Customer::create(org, new, &actor(), clock::now())?)
        },
    )
    .await
}

#[tokio::test]
async fn entitlements_keep_the_contract() -> anyhow::Result<()> {
    use kaiten_domain::entitlement::Entitlement;
    keeps_the_contract(
        |repos| repos.entitlements.clone(),
        |org, slug| {
            let body = json!({"name": slug, "slug": slug, "type": "BOOLEAN"});
            let new = input::<kaiten_contract::entitlement::NewEntitlement, _>(body)?;
            Ok(Entitlement::create(org, new, &actor(), clock::now())?)
        },
    )
    .await
}

#[tokio::test]
async fn releases_keep_the_contract() -> anyhow::Result<()> {
    use kaiten_domain::release::Release;
    keeps_the_contract(
        |repos| repos.releases.clone(),
        |org, slug| {
            let new = input::<kaiten_contract::release::NewRelease, _>(json!({"version": slug, "slug": slug}))?;
            Ok(Release::create(org, new, &actor(), clock::now())?)
        },
    )
    .await
}

#[tokio::test]
async fn feature_flags_keep_the_contract() -> anyhow::Result<()> {
    use kaiten_domain::feature_flag::FeatureFlag;
    keeps_the_contract(
        |repos| repos.feature_flags.clone(),
        |org, slug| {
            let body = json!({"name": slug, "slug": slug, "type": "boolean",
                "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}], "defaultVariant": "off"});
            let definition = input::<kaiten_contract::feature_flag::FeatureFlagDefinition, _>(body)?;
            Ok(FeatureFlag::create(org, definition, &actor(), clock::now())?)
        },
    )
    .await
}

#[tokio::test]
async fn deployment_zones_keep_the_contract() -> anyhow::Result<()> {
    use kaiten_domain::deployment_zone::DeploymentZone;
    keeps_the_contract(
        |repos| repos.deployment_zones.clone(),
        |org, slug| {
            let body = json!({"name": slug, "slug": slug});
            let new = input::<kaiten_contract::deployment_zone::NewDeploymentZone, _>(body)?;
            Ok(DeploymentZone::create(org, new, &actor(), clock::now())?)
        },
    )
    .await
}
