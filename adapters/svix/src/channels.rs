//! Who receives what on Svix, through Svix channels. A domain message is sent on `all` and on
//! `customer.<id>` when it concerns a customer, `organization` when it is organization-wide; an
//! endpoint scoped to customers listens to their channels (and to `organization` with
//! `includeOrganizationEvents`), any other endpoint to `all`. Svix delivers a message to an endpoint
//! with channels only when they share one, so both backends route alike. An operational message is
//! addressed to its recipients by name: each listens to a channel of its own, `endpoint.<id>` (see
//! `operational_delivery`). Svix allows an endpoint at most 10 channels: on this backend an endpoint
//! names at most 10 customers (9 with organization events); a message has at most 5.

use kaiten_application::error::{Conflict, RepoError};
use kaiten_domain::webhook_scope::CustomerScope;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The channel of organization-wide messages.
pub(crate) const ORGANIZATION_CHANNEL: &str = "organization";
/// The channel of every domain message, which endpoints not scoped to customers listen to.
pub(crate) const ALL_CHANNEL: &str = "all";
/// The channel of an operational message with no recipient, which no endpoint listens to.
pub(crate) const OPERATIONAL_CHANNEL: &str = "operational";
/// Svix's limit on an endpoint's channels.
pub(crate) const MAX_ENDPOINT_CHANNELS: usize = 10;
/// Svix's limit on a message's channels.
pub(crate) const MAX_MESSAGE_CHANNELS: usize = 5;
const CUSTOMER_PREFIX: &str = "customer.";
const ENDPOINT_PREFIX: &str = "endpoint.";

/// The channels of a domain message concerning `customer` (`None`: organization-wide).
pub(crate) fn message_channels(customer: Option<Uuid>) -> BTreeSet<String> {
    let channel = customer.map_or_else(|| ORGANIZATION_CHANNEL.to_owned(), |id| format!("{CUSTOMER_PREFIX}{id}"));
    BTreeSet::from([ALL_CHANNEL.to_owned(), channel])
}

/// The channels of an operational message with no recipient.
pub(crate) fn operational_channels() -> BTreeSet<String> {
    BTreeSet::from([OPERATIONAL_CHANNEL.to_owned()])
}

/// The channel of the endpoint `id` alone.
pub(crate) fn own_channel(id: &str) -> String {
    format!("{ENDPOINT_PREFIX}{id}")
}

/// The channels an endpoint needs before an operational message is sent, `None` when it has them:
/// one without channels (Svix would give it every message) gets `all`; a recipient its own
/// channel, when it has room for one more.
pub(crate) fn channels_before_operational(
    current: Option<&BTreeSet<String>>,
    id: &str,
    recipient: bool,
) -> Option<BTreeSet<String>> {
    let mut changed = current.is_none_or(BTreeSet::is_empty);
    let mut channels = current
        .filter(|channels| !channels.is_empty())
        .cloned()
        .unwrap_or_else(|| BTreeSet::from([ALL_CHANNEL.to_owned()]));
    let own = own_channel(id);
    if recipient && !channels.contains(&own) && channels.len() < MAX_ENDPOINT_CHANNELS {
        channels.insert(own);
        changed = true;
    }
    changed.then_some(channels)
}

/// The channels of an endpoint with `scope`: `all` without customers; `Invalid` past Svix's limit.
pub(crate) fn endpoint_channels(scope: &CustomerScope) -> Result<Option<BTreeSet<String>>, RepoError> {
    if scope.customers.is_empty() {
        return Ok(Some(BTreeSet::from([ALL_CHANNEL.to_owned()])));
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

/// Whether an endpoint with these channels gets organization-wide events: it is not scoped to
/// customers (`all`, or no channels at all as Svix's own tools make them), or it includes them.
pub(crate) fn gets_organization_events(channels: Option<&BTreeSet<String>>) -> bool {
    channels.is_none_or(|channels| {
        channels.is_empty() || channels.contains(ALL_CHANNEL) || channels.contains(ORGANIZATION_CHANNEL)
    })
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
        let unscoped = endpoint_channels(&CustomerScope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unscoped, Some(BTreeSet::from(["all".to_owned()])));
        assert_eq!(scope_of(unscoped.as_ref()), CustomerScope::default());
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
        assert_eq!(message_channels(Some(id)), BTreeSet::from(["all".to_owned(), format!("customer.{id}")]));
        assert_eq!(message_channels(None), BTreeSet::from(["all".to_owned(), "organization".to_owned()]));
    }

    #[test]
    fn before_an_operational_message_recipients_get_their_own_channel_and_none_is_left_without() {
        let set = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(channels_before_operational(None, "ep_1", false), Some(set(&["all"])));
        assert_eq!(channels_before_operational(None, "ep_1", true), Some(set(&["all", "endpoint.ep_1"])));
        assert_eq!(channels_before_operational(Some(&set(&["all"])), "ep_1", false), None);
        let own = set(&["all", "endpoint.ep_1"]);
        assert_eq!(channels_before_operational(Some(&own), "ep_1", true), None, "it has it already");
        let full: BTreeSet<String> = (0..MAX_ENDPOINT_CHANNELS).map(|n| format!("customer.{n}")).collect();
        assert_eq!(channels_before_operational(Some(&full), "ep_1", true), None, "no room: resent instead");
    }

    #[test]
    fn organization_events_reach_unscoped_endpoints_and_those_that_include_them() {
        let channels = |names: &[&str]| Some(names.iter().map(|name| (*name).to_owned()).collect::<BTreeSet<_>>());
        assert!(gets_organization_events(None));
        assert!(gets_organization_events(channels(&["all"]).as_ref()));
        assert!(gets_organization_events(channels(&["customer.x", "organization"]).as_ref()));
        assert!(!gets_organization_events(channels(&["customer.x"]).as_ref()));
    }
}
