//! A license created with the event reporting it, outside a unit of work: a non-default license is
//! one statement; a default one also takes over from its family's previous default, and the
//! takeover, the license and its event commit together or not at all.

mod support;

use kaiten_application::RepoError;
use kaiten_domain::license::{License, LicenseFamily, LicenseType, NewLicense};
use kaiten_domain::organization::Organization;
use kaiten_domain::{Actor, EventKind, OutboxEvent, Slug, clock};
use kaiten_test_support::TestDatabase;
use uuid::Uuid;

fn version(
    organization: Uuid,
    family: &LicenseFamily,
    number: i32,
    slug: &str,
    default: bool,
) -> anyhow::Result<License> {
    let input = NewLicense {
        name: "Pro".into(),
        slug: Some(slug.into()),
        description: None,
        license_type: LicenseType::Paid,
        version_name: None,
        family_slug: None,
        lifecycle_state: None,
        is_active: None,
        is_default: Some(default),
    };
    Ok(License::create(organization, input, family, number, &Actor::unknown(), clock::now())?)
}

fn event(organization: Uuid, license: &License) -> anyhow::Result<OutboxEvent> {
    Ok(OutboxEvent::of(EventKind::LicenseCreation, organization, &serde_json::json!({"id": license.id}), None)?)
}

#[tokio::test]
async fn a_default_license_takes_over_with_its_event_or_not_at_all() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let repos = kaiten_postgres::pooled_repositories(kaiten_postgres::connect(&db.url, 2).await?);
    let mut conn = db.connect().await?;
    let organization = Organization::create("Acme", clock::now())?;
    repos.organizations.insert(&organization).await?;
    let org = organization.id;
    let family = LicenseFamily { id: Uuid::now_v7(), slug: Slug::parse("pro")?, last_version: 3 };
    repos.license_families.insert(org, &family, clock::now()).await?;
    let first = version(org, &family, 1, "pro", true)?;
    let first_event = event(org, &first)?;
    repos.licenses.insert_reported(&first, &first_event).await?;

    let plain = version(org, &family, 2, "pro-v2", false)?;
    let plain_event = event(org, &plain)?;
    repos.licenses.insert_reported(&plain, &plain_event).await?;
    let second = version(org, &family, 3, "pro-v3", true)?;
    let second_event = event(org, &second)?;
    repos.licenses.insert_reported(&second, &second_event).await?;
    let is_default = async |id| anyhow::Ok(repos.licenses.find_by_id(org, id).await?.map(|l| l.is_default));
    assert_eq!(is_default(first.id).await?, Some(false), "the previous default stepped down");
    assert_eq!(is_default(plain.id).await?, Some(false));
    assert_eq!(is_default(second.id).await?, Some(true));
    let mut written = vec![first_event.id, plain_event.id, second_event.id];
    written.sort();
    assert_eq!(support::outbox_ids(&mut conn).await?, written);

    // A slug taken: the takeover is rolled back with the insert, and no event is written.
    let clash = version(org, &family, 4, "pro-v3", true)?;
    let taken = repos.licenses.insert_reported(&clash, &event(org, &clash)?).await;
    assert!(matches!(taken, Err(RepoError::Conflict(_))), "{taken:?}");
    assert_eq!(is_default(second.id).await?, Some(true), "the takeover was rolled back");
    assert_eq!(support::outbox_ids(&mut conn).await?, written);

    // An event id stored already: neither the takeover nor the license.
    let replay = version(org, &family, 5, "pro-v5", true)?;
    let replayed = repos.licenses.insert_reported(&replay, &second_event).await;
    assert!(matches!(&replayed, Err(RepoError::Conflict(c)) if c.code == "duplicate_event_id"), "{replayed:?}");
    assert_eq!(is_default(second.id).await?, Some(true));
    assert_eq!(is_default(replay.id).await?, None);
    Ok(())
}
