//! Endpoints scoped to customers on Svix, through Svix channels: a message that concerns a customer
//! is sent on `customer.<id>`, an organization-wide one on `organization`; an endpoint scoped to
//! customers listens to their channels (and to `organization` with `includeOrganizationEvents`), an
//! endpoint without channels receives everything. Svix delivers a message to an endpoint with
//! channels only when they share one, so both backends route alike. Svix allows an endpoint at most
//! 10 channels: on this backend an endpoint names at most 10 customers (9 with organization events).

use kaiten_application::error::{Conflict, RepoError};
use kaiten_domain::webhook_scope::CustomerScope;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The channel of organization-wide messages.
pub(crate) const ORGANIZATION_CHANNEL: &str = "organization";
/// Svix's limit on an endpoint's channels.
pub(crate) const MAX_ENDPOINT_CHANNELS: usize = 10;
const CUSTOMER_PREFIX: &str = "customer.";

/// The channel of a message concerning `customer` (`None`: organization-wide).
pub(crate) fn message_channels(customer: Option<Uuid>) -> BTreeSet<String> {
    let channel = customer.map_or_else(|| ORGANIZATION_CHANNEL.to_owned(), |id| format!("{CUSTOMER_PREFIX}{id}"));
    BTreeSet::from([channel])
}

/// The channels of an endpoint with `scope`: `None` (every message) without customers; `Invalid`
/// past Svix's limit.
pub(crate) fn endpoint_channels(scope: &CustomerScope) -> Result<Option<BTreeSet<String>>, RepoError> {
    if scope.customers.is_empty() {
        return Ok(None);
    }
    let mut channels: BTreeSet<String> = scope.customers.iter().map(|id| format!("{CUSTOMER_PREFIX}{id}")).collect();
    if scope.include_organization_events {
        channels.insert(ORGANIZATION_CHANNEL.to_owned());
    }
    if channels.len() > MAX_ENDPOINT_CHANNELS {
        return Err(RepoError::Invalid(Conflict::new(
            "too_many_customers",
            format!(
                "on the Svix backend an endpoint listens to at most {MAX_ENDPOINT_CHANNELS} channels: at most \
                 {MAX_ENDPOINT_CHANNELS} customers, or {} with includeOrganizationEvents",
                MAX_ENDPOINT_CHANNELS - 1
            ),
        )));
    }
    Ok(Some(channels))
}

/// The scope an endpoint's channels stand for; channels that are neither are ignored.
pub(crate) fn scope_of(channels: Option<&BTreeSet<String>>) -> CustomerScope {
    let Some(channels) = channels else { return CustomerScope::default() };
    let customers = channels
        .iter()
        .filter_map(|channel| channel.strip_prefix(CUSTOMER_PREFIX))
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect();
    CustomerScope { customers, include_organization_events: channels.contains(ORGANIZATION_CHANNEL) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_round_trips_through_channels() {
        let scope = CustomerScope { customers: vec![Uuid::now_v7()], include_organization_events: true };
        let channels = endpoint_channels(&scope).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scope_of(channels.as_ref()), scope);
        assert_eq!(endpoint_channels(&CustomerScope::default()).ok(), Some(None));
    }

    #[test]
    fn more_channels_than_svix_allows_are_invalid() {
        let customers = (0..MAX_ENDPOINT_CHANNELS).map(|_| Uuid::now_v7()).collect();
        let mut scope = CustomerScope { customers, include_organization_events: false };
        assert!(endpoint_channels(&scope).is_ok());
        scope.include_organization_events = true;
        assert!(matches!(endpoint_channels(&scope), Err(RepoError::Invalid(c)) if c.code == "too_many_customers"));
    }

    #[test]
    fn messages_name_their_customer_or_the_organization() {
        let id = Uuid::now_v7();
        assert_eq!(message_channels(Some(id)), BTreeSet::from([format!("customer.{id}")]));
        assert_eq!(message_channels(None), BTreeSet::from(["organization".to_owned()]));
    }
}
