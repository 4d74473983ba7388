//! The one place where database errors and constraint names become the application's `RepoError`.

use diesel::result::{DatabaseErrorKind, Error};
use kaiten_application::{Conflict, RepoError};

/// Constraint name → what it means to a client.
const CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("organizations_slug_key", "slug_taken", "an organization with this slug already exists"),
    ("service_accounts_organization_slug_key", "slug_taken", "a service account with this slug already exists"),
    ("api_tokens_account_slug_key", "slug_taken", "this service account already has a token with this slug"),
    ("customers_organization_slug_key", "slug_taken", "a customer with this slug already exists"),
    ("entitlements_organization_slug_key", "slug_taken", "an entitlement with this slug already exists"),
    ("licenses_organization_slug_key", "slug_taken", "a license with this slug already exists"),
    ("licenses_organization_name_version_key", "version_taken", "this license name already has this version"),
    ("releases_organization_slug_key", "slug_taken", "a release with this slug already exists"),
    ("releases_organization_version_key", "version_taken", "a release with this version already exists"),
    ("deployment_zones_organization_slug_key", "slug_taken", "a deployment zone with this slug already exists"),
    ("instances_organization_slug_key", "slug_taken", "a live instance with this slug already exists"),
    ("feature_flags_organization_slug_key", "slug_taken", "a feature flag with this slug already exists"),
    ("license_entitlements_pkey", "already_assigned", "this entitlement is already assigned to the license"),
    ("license_entitlements_entitlement_id_fkey", "still_assigned", "the entitlement is still assigned to a license"),
    ("deployment_zones_current_release_id_fkey", "release_in_use", "a deployment zone still runs this release"),
    ("instances_deployment_zone_id_fkey", "zone_in_use", "instances are still placed in this deployment zone"),
    ("instances_live_references_check", "in_use", "live instances still use it"),
    ("outbox_events_pkey", "duplicate_event_id", "an outbox event with this id exists already"),
];

/// The connection broke (the server went away, a network fault): the store is unavailable, not wrong.
fn lost_connection(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    ["connection closed", "server closed the connection", "connection reset", "broken pipe", "terminating connection"]
        .iter()
        .any(|sign| message.contains(sign))
}

fn unstorable_text(message: &str) -> bool {
    message.contains("unsupported Unicode escape sequence") || message.contains("invalid byte sequence")
}

pub(crate) fn repo_error(error: Error) -> RepoError {
    match error {
        Error::NotFound => RepoError::NotFound,
        Error::DatabaseError(kind, info) => {
            let constraint = info.constraint_name().unwrap_or_default();
            let known = CONSTRAINTS.iter().find(|(name, _, _)| *name == constraint);
            match (kind, known) {
                (_, Some((_, code, message))) => RepoError::Conflict(Conflict::new(code, *message)),
                (DatabaseErrorKind::UniqueViolation, None) => {
                    RepoError::Conflict(Conflict::new("conflict", format!("already exists ({constraint})")))
                }
                (DatabaseErrorKind::ForeignKeyViolation, None) => {
                    RepoError::Conflict(Conflict::new("still_referenced", format!("still referenced ({constraint})")))
                }
                (DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation, None) => {
                    RepoError::Invalid(Conflict::new("constraint", format!("refused by the rule {constraint}")))
                }
                (DatabaseErrorKind::ClosedConnection, None) => RepoError::Unavailable(info.message().to_owned()),
                (DatabaseErrorKind::SerializationFailure, None) => RepoError::Unavailable(info.message().to_owned()),
                _ if lost_connection(info.message()) => RepoError::Unavailable(info.message().to_owned()),
                // PostgreSQL text and jsonb cannot hold the NUL character (`\u0000`).
                _ if unstorable_text(info.message()) => RepoError::Invalid(Conflict::new(
                    "unstorable_character",
                    "text and JSON values must not contain the NUL character (\\u0000)",
                )),
                _ => RepoError::Unexpected(info.message().to_owned()),
            }
        }
        other if lost_connection(&other.to_string()) => RepoError::Unavailable(other.to_string()),
        other => RepoError::Unexpected(other.to_string()),
    }
}
