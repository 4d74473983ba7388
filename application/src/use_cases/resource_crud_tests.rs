//! The generic use cases driven with customers, against mocked repositories.

use super::*;
use crate::error::{Conflict, RepoError};
use crate::use_cases::testing::{FakeUnitOfWork, MockRepositories, caller_with, repositories, split, stored_customer};
use futures::executor::block_on;
use kaiten_contract::ToWire;
use kaiten_domain::customer::{Customer, CustomerUpdate, NewCustomer};
use kaiten_domain::{EventKind, OutboxEvent};
use std::sync::{Arc, Mutex};

fn acme() -> NewCustomer {
    NewCustomer { name: "Acme Corp".into(), slug: None, external_customer_id: None, domain: None }
}

/// The events `insert_reported` was handed, whatever it answered.
fn reporting(repos: &mut MockRepositories, answer: fn() -> Result<(), RepoError>) -> Arc<Mutex<Vec<OutboxEvent>>> {
    let reported = Arc::new(Mutex::new(Vec::new()));
    let seen = reported.clone();
    repos.customers.expect_insert_reported().times(1).returning(move |_, event| {
        seen.lock().map_err(|e| RepoError::Unexpected(e.to_string()))?.push(event.clone());
        answer()
    });
    reported
}

fn reported(events: &Mutex<Vec<OutboxEvent>>) -> Vec<OutboxEvent> {
    events.lock().map(|events| events.clone()).unwrap_or_default()
}

#[test]
fn stores_the_customer_with_exactly_one_creation_event_carrying_it() {
    let mut repos = repositories();
    let events = reporting(&mut repos, || Ok(()));
    repos.outbox.expect_append().never();
    let (reads, _) = split(repos);
    let use_case = CreateResource::<Customer>::new(reads);
    let customer = block_on(use_case.execute(&caller_with(&["write:customers"]), acme()));
    let customer = customer.unwrap_or_else(|e| panic!("{e}"));
    let events = reported(&events);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::CustomerCreation);
    assert_eq!(events[0].organization_id, customer.organization_id);
    assert_eq!(events[0].data, serde_json::to_value(customer.to_wire()).unwrap_or_default());
}

#[test]
fn a_taken_slug_is_a_conflict() {
    let mut repos = repositories();
    reporting(&mut repos, || Err(RepoError::Conflict(Conflict::new("slug_taken", "slug taken"))));
    let (reads, _) = split(repos);
    let result = block_on(CreateResource::<Customer>::new(reads).execute(&caller_with(&["write:*"]), acme()));
    assert!(matches!(result, Err(UseCaseError::Conflict(c)) if c.code == "slug_taken"));
}

#[test]
fn needs_the_write_scope_and_valid_input_before_touching_the_store() {
    let mut repos = repositories();
    repos.customers.expect_insert_reported().never();
    let (reads, _) = split(repos);
    let use_case = CreateResource::<Customer>::new(reads);
    let forbidden = block_on(use_case.execute(&caller_with(&["read:customers"]), acme()));
    assert!(matches!(forbidden, Err(UseCaseError::Forbidden(_))));
    let invalid = NewCustomer { name: " ".into(), slug: None, external_customer_id: None, domain: None };
    let invalid = block_on(use_case.execute(&caller_with(&["write:customers"]), invalid));
    assert!(matches!(invalid, Err(UseCaseError::Invalid(_))));
}

#[test]
fn an_unknown_customer_is_not_found_and_appends_nothing() {
    let mut repos = repositories();
    repos.customers.expect_find_by_slug().returning(|_, _, _| Ok(None));
    repos.outbox.expect_append().never();
    let uow = FakeUnitOfWork::new(repos);
    let slug = Slug::parse("ghost").unwrap_or_else(|e| panic!("{e}"));
    let result = block_on(UpdateResource::<Customer>::new(uow.clone()).execute(
        &caller_with(&["write:*"]),
        &slug,
        CustomerUpdate { name: "Ghost".into(), slug: None, external_customer_id: None, domain: None },
    ));
    assert!(matches!(result, Err(UseCaseError::NotFound("customer"))));
    assert!(!uow.committed());
}

#[test]
fn an_update_appends_the_updated_customer() {
    let existing = stored_customer();
    let slug = existing.slug.clone();
    let mut repos = repositories();
    repos.customers.expect_find_by_slug().returning(move |_, _, locked| {
        assert!(locked, "the row is locked for the update");
        Ok(Some(existing.clone()))
    });
    repos.customers.expect_update().times(1).returning(|_| Ok(()));
    repos.outbox.expect_append().times(1).returning(|_| Ok(()));
    let uow = FakeUnitOfWork::new(repos);
    let changes = CustomerUpdate { name: "Renamed".into(), slug: None, external_customer_id: None, domain: None };
    let updated = block_on(UpdateResource::<Customer>::new(uow.clone()).execute(
        &caller_with(&["write:customers"]),
        &slug,
        changes,
    ));
    let updated = updated.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(updated.name, "Renamed");
    let events = uow.appended();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::CustomerUpdate);
    assert_eq!(events[0].data["name"], "Renamed");
}

#[test]
fn a_deletion_appends_the_resource_as_it_was_under_its_own_event() {
    let existing = stored_customer();
    let slug = existing.slug.clone();
    let id = existing.id;
    let mut repos = repositories();
    repos.customers.expect_find_by_slug().returning(move |_, _, locked| {
        assert!(locked, "the row is locked for the deletion");
        Ok(Some(existing.clone()))
    });
    repos.customers.expect_delete().times(1).returning(move |_, deleted| {
        assert_eq!(deleted, id);
        Ok(())
    });
    repos.outbox.expect_append().times(1).returning(|_| Ok(()));
    let uow = FakeUnitOfWork::new(repos);
    let deleted =
        block_on(DeleteResource::<Customer>::new(uow.clone()).execute(&caller_with(&["write:customers"]), &slug));
    let deleted = deleted.unwrap_or_else(|e| panic!("{e}"));
    let events = uow.appended();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::CustomerDeletion);
    assert_eq!(events[0].data, serde_json::to_value(deleted.to_wire()).unwrap_or_default());
    assert!(uow.committed());
}

#[test]
fn a_deletion_the_store_refuses_appends_nothing() {
    let existing = stored_customer();
    let slug = existing.slug.clone();
    let mut repos = repositories();
    repos.customers.expect_find_by_slug().returning(move |_, _, _| Ok(Some(existing.clone())));
    repos
        .customers
        .expect_delete()
        .returning(|_, _| Err(RepoError::Conflict(Conflict::new("customer_in_use", "live instances"))));
    repos.outbox.expect_append().never();
    let uow = FakeUnitOfWork::new(repos);
    let result = block_on(DeleteResource::<Customer>::new(uow.clone()).execute(&caller_with(&["write:*"]), &slug));
    assert!(matches!(result, Err(UseCaseError::Conflict(c)) if c.code == "customer_in_use"));
    assert!(!uow.committed());
}

#[test]
fn each_resource_is_described_with_its_own_name_module_and_events() {
    use crate::resource::{CreatableResource, DeletableResource, ReplaceableResource, ScopedResource};
    use kaiten_domain::Module;
    use kaiten_domain::deployment_zone::DeploymentZone;
    use kaiten_domain::entitlement::Entitlement;
    use kaiten_domain::feature_flag::FeatureFlag;
    use kaiten_domain::license::License;
    use kaiten_domain::release::Release;
    assert_eq!(
        (Customer::NAME, Customer::MODULE, Customer::CREATION, Customer::UPDATE, Customer::DELETION),
        (
            "customer",
            Module::Customers,
            EventKind::CustomerCreation,
            EventKind::CustomerUpdate,
            EventKind::CustomerDeletion
        )
    );
    assert_eq!(
        (Entitlement::NAME, Entitlement::MODULE, Entitlement::CREATION, Entitlement::UPDATE, Entitlement::DELETION),
        (
            "entitlement",
            Module::Entitlements,
            EventKind::EntitlementCreation,
            EventKind::EntitlementUpdate,
            EventKind::EntitlementDeletion
        )
    );
    assert_eq!(
        (FeatureFlag::NAME, FeatureFlag::MODULE, FeatureFlag::CREATION, FeatureFlag::UPDATE, FeatureFlag::DELETION),
        (
            "feature flag",
            Module::FeatureFlags,
            EventKind::FeatureFlagCreation,
            EventKind::FeatureFlagUpdate,
            EventKind::FeatureFlagDeletion
        )
    );
    assert_eq!(
        (Release::NAME, Release::MODULE, Release::CREATION, Release::DELETION),
        ("release", Module::Releases, EventKind::ReleaseCreation, EventKind::ReleaseDeletion)
    );
    assert_eq!(
        (DeploymentZone::NAME, DeploymentZone::MODULE, DeploymentZone::DELETION),
        ("deployment zone", Module::DeploymentZones, EventKind::DeploymentZoneDeletion)
    );
    assert_eq!(
        (License::NAME, License::MODULE, License::DELETION),
        ("license", Module::Licenses, EventKind::LicenseDeletion)
    );
}
