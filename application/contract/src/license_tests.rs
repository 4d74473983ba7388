//! The license's rules as requests meet them: each body parsed as the API parses it (the contract's
//! request types), then validated by the domain; and a license's form on the wire.

use crate::ToWire;
use kaiten_domain::license::{License, LicenseFamily, LifecycleMove, LifecycleState};
use kaiten_domain::{Actor, Slug, ValidationErrors, clock};
use serde_json::{Value, json};
use uuid::Uuid;

fn family() -> LicenseFamily {
    LicenseFamily {
        id: Uuid::from_u128(1),
        slug: Slug::parse("growth").unwrap_or_else(|_| Slug::example()),
        last_version: 1,
    }
}

fn create(body: Value, version: i32) -> Result<License, ValidationErrors> {
    let input: super::NewLicense = serde_json::from_value(body).unwrap_or_else(|e| panic!("{e}"));
    License::create(Uuid::nil(), input.into(), &family(), version, &Actor::unknown(), clock::now())
}

#[test]
fn versions_are_text_and_later_ones_are_slugged_after_the_family() {
    let first = create(json!({"name": "Growth", "type": "PAID"}), 1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (first.slug.as_str(), first.lifecycle_state, first.description.as_str()),
        ("growth", LifecycleState::Published, "")
    );
    let second = create(json!({"name": "Growth", "type": "PAID", "lifecycleState": "DRAFT"}), 2);
    assert_eq!(second.ok().map(|l| (l.slug.to_string(), l.is_active)), Some(("growth-v2".to_owned(), false)));
    assert!(
        create(json!({"name": "Growth", "type": "PAID", "lifecycleState": "DRAFT", "isDefault": true}), 2).is_err()
    );
    let inactive = create(json!({"name": "Old", "type": "PAID", "isActive": false}), 1);
    assert_eq!(inactive.ok().map(|l| l.lifecycle_state), Some(LifecycleState::Archived));
}

#[test]
fn the_lifecycle_moves_only_from_where_it_is() {
    let draft = create(json!({"name": "Growth", "type": "PAID", "lifecycleState": "DRAFT"}), 2)
        .unwrap_or_else(|e| panic!("{e}"));
    let now = clock::now();
    assert!(draft.moved(LifecycleMove::Archive, &Actor::unknown(), now).is_err());
    let published = draft.moved(LifecycleMove::Publish, &Actor::unknown(), now).unwrap_or_else(|e| panic!("{e}"));
    assert!(published.moved(LifecycleMove::Publish, &Actor::unknown(), now).is_err());
    let default = License { is_default: true, ..published };
    let archived = default.moved(LifecycleMove::Archive, &Actor::unknown(), now).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (archived.lifecycle_state, archived.is_default, archived.is_active),
        (LifecycleState::Archived, false, false)
    );
    let back = archived.moved(LifecycleMove::Unarchive, &Actor::unknown(), now);
    assert_eq!(back.ok().map(|l| l.lifecycle_state), Some(LifecycleState::Published));
}

#[test]
fn a_version_is_text_on_the_wire() {
    let family = LicenseFamily { id: Uuid::from_u128(1), slug: Slug::example(), last_version: 0 };
    let input: super::NewLicense =
        serde_json::from_value(json!({"name": "Growth", "type": "PAID"})).unwrap_or_else(|e| panic!("{e}"));
    let license = License::create(Uuid::nil(), input.into(), &family, 1, &Actor::unknown(), clock::now())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(serde_json::to_value(license.to_wire()).ok().map(|j| j["version"].clone()), Some(json!("1")));
}
