//! What a request asks of an endpoint: the bodies of `POST /api/webhooks` and `PUT
//! /api/webhooks/{id}`, and their validation into a draft or a patch for a backend (the URL against
//! the address policy, the events against the catalog, the customers as ids or slugs).

use crate::catalog::EventKind;
use crate::validation::{FieldError, ValidationErrors};
use crate::webhook_headers::{EndpointHeader, EndpointHeaderInput, parse_headers};
use crate::webhook_scope::{CustomerRef, CustomerScope, parse_customer_refs};
use crate::webhook_url::UrlPolicy;
use serde_json::Value;

/// The input of `POST /api/webhooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhookEndpoint {
    pub url: String,
    /// Catalog names (`CUSTOMER_CREATION`); empty or omitted = every domain event (the operational
    /// events, `WEBHOOK_*`, go only to endpoints that name them).
    pub event_names: Option<Vec<String>>,
    /// Catalog types (`com.kaiten.customer.v1.created`), accepted instead of or next to names.
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    /// Customers (ids or slugs, at most 100) whose events it receives; empty or omitted = every event.
    pub customer_ids: Option<Vec<String>>,
    /// With `customerIds`: the organization-wide events too (default false).
    pub include_organization_events: Option<bool>,
    /// Custom request headers (at most 20) every delivery carries.
    pub headers: Option<Vec<EndpointHeaderInput>>,
    /// At most this many deliveries a second to it (1 to 10,000), whatever the number of workers;
    /// the others wait their turn. Omitted: no limit.
    pub rate_limit: Option<u32>,
}

/// The input of `PUT /api/webhooks/{id}`: omitted fields keep their value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookEndpointChanges {
    pub url: Option<String>,
    pub event_names: Option<Vec<String>>,
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    /// Customers (ids or slugs, at most 100); `[]` = every event again.
    pub customer_ids: Option<Vec<String>>,
    pub include_organization_events: Option<bool>,
    /// The whole set of custom headers (`[]` removes them all); a header given without `value` keeps
    /// its stored value.
    pub headers: Option<Vec<EndpointHeaderInput>>,
    /// Deliveries a second at most (1 to 10,000); `null` removes the limit.
    pub rate_limit: Option<Option<u32>>,
}

/// A validated endpoint definition, ready for a backend once its customers are resolved (`C` =
/// `Uuid`); as requested they are [`CustomerRef`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointDraft<C = uuid::Uuid> {
    pub url: String,
    pub events: Vec<EventKind>,
    pub description: String,
    pub disabled: bool,
    pub scope: CustomerScope<C>,
    /// Every one with its value.
    pub headers: Vec<EndpointHeader>,
    /// Deliveries a second at most.
    pub rate_limit: Option<u32>,
}

impl<C> EndpointDraft<C> {
    /// The same draft with its customers named by `customers` (in the same order).
    pub fn with_customers<D>(self, customers: Vec<D>) -> EndpointDraft<D> {
        let scope = CustomerScope { customers, include_organization_events: self.scope.include_organization_events };
        EndpointDraft {
            url: self.url,
            events: self.events,
            description: self.description,
            disabled: self.disabled,
            scope,
            headers: self.headers,
            rate_limit: self.rate_limit,
        }
    }
}

/// Validated changes; `None` keeps the stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointPatch<C = uuid::Uuid> {
    pub url: Option<String>,
    pub events: Option<Vec<EventKind>>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    pub customers: Option<Vec<C>>,
    pub include_organization_events: Option<bool>,
    /// The whole new set; a header without a value keeps its stored one.
    pub headers: Option<Vec<EndpointHeader>>,
    /// `Some(None)` removes the limit.
    pub rate_limit: Option<Option<u32>>,
}

impl<C> Default for EndpointPatch<C> {
    fn default() -> Self {
        Self {
            url: None,
            events: None,
            description: None,
            disabled: None,
            customers: None,
            include_organization_events: None,
            headers: None,
            rate_limit: None,
        }
    }
}

impl<C> EndpointPatch<C> {
    /// The same patch with its customers (if it changes them) named by `customers`.
    pub fn with_customers<D>(self, customers: Option<Vec<D>>) -> EndpointPatch<D> {
        EndpointPatch {
            url: self.url,
            events: self.events,
            description: self.description,
            disabled: self.disabled,
            customers,
            include_organization_events: self.include_organization_events,
            headers: self.headers,
            rate_limit: self.rate_limit,
        }
    }
}

const MAX_DESCRIPTION: usize = 1000;

impl NewWebhookEndpoint {
    pub fn validate(self, policy: &UrlPolicy) -> Result<EndpointDraft<CustomerRef>, ValidationErrors> {
        let mut errors = Vec::new();
        let url = check_url(&self.url, policy, &mut errors);
        let events = parse_events(self.event_names.as_deref(), self.event_types.as_deref(), &mut errors);
        let description = check_description(self.description, &mut errors);
        let customers = parse_customer_refs(self.customer_ids.as_deref().unwrap_or_default(), &mut errors);
        let headers = parse_headers(self.headers.as_deref().unwrap_or_default(), true, &mut errors);
        let rate_limit = self.rate_limit.filter(|rate| check_rate_limit(*rate, &mut errors));
        if !errors.is_empty() {
            return Err(ValidationErrors(errors));
        }
        Ok(EndpointDraft {
            url: url.unwrap_or_default(),
            events: events.unwrap_or_default(),
            description: description.unwrap_or_default(),
            disabled: self.disabled.unwrap_or(false),
            // Without customers every event goes through: the flag would mean nothing.
            scope: CustomerScope {
                include_organization_events: self.include_organization_events.unwrap_or(false) && !customers.is_empty(),
                customers,
            },
            headers,
            rate_limit,
        })
    }
}

impl WebhookEndpointChanges {
    pub fn validate(self, policy: &UrlPolicy) -> Result<EndpointPatch<CustomerRef>, ValidationErrors> {
        let mut errors = Vec::new();
        let url = self.url.map(|url| check_url(&url, policy, &mut errors).unwrap_or_default());
        let events = (self.event_names.is_some() || self.event_types.is_some()).then(|| {
            parse_events(self.event_names.as_deref(), self.event_types.as_deref(), &mut errors).unwrap_or_default()
        });
        let description = self.description.map(|d| check_description(Some(d), &mut errors).unwrap_or_default());
        let customers = self.customer_ids.map(|raw| parse_customer_refs(&raw, &mut errors));
        let headers = self.headers.map(|raw| parse_headers(&raw, false, &mut errors));
        let rate_limit = self.rate_limit.map(|rate| rate.filter(|rate| check_rate_limit(*rate, &mut errors)));
        if errors.is_empty() {
            Ok(EndpointPatch {
                url,
                events,
                description,
                disabled: self.disabled,
                customers,
                include_organization_events: self.include_organization_events,
                headers,
                rate_limit,
            })
        } else {
            Err(ValidationErrors(errors))
        }
    }
}

fn check_url(raw: &str, policy: &UrlPolicy, errors: &mut Vec<FieldError>) -> Option<String> {
    if raw.len() > 2048 {
        errors.push(FieldError::new("body.url", "must be at most 2048 characters", None));
        return None;
    }
    match policy.check_url(raw.trim()) {
        Ok(url) => Some(url.to_string()),
        Err(reason) => {
            errors.push(FieldError::new("body.url", reason.to_string(), Some(Value::from(raw))));
            None
        }
    }
}

/// The most deliveries a second an endpoint may be limited to.
pub const MAX_RATE_LIMIT: u32 = 10_000;

fn check_rate_limit(rate: u32, errors: &mut Vec<FieldError>) -> bool {
    let valid = (1..=MAX_RATE_LIMIT).contains(&rate);
    if !valid {
        errors.push(FieldError::new(
            "body.rateLimit",
            "must be from 1 to 10000 deliveries a second",
            Some(Value::from(rate)),
        ));
    }
    valid
}

fn check_description(description: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let description = description.unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        errors.push(FieldError::new("body.description", "must be at most 1000 characters", None));
        return None;
    }
    Some(description)
}

/// Names and types together, without duplicates, in catalog order; unknown entries are errors.
fn parse_events(
    names: Option<&[String]>,
    types: Option<&[String]>,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<EventKind>> {
    let before = errors.len();
    let mut kinds = Vec::new();
    for (index, name) in names.unwrap_or_default().iter().enumerate() {
        match EventKind::from_name(name) {
            Some(kind) => kinds.push(kind),
            None => errors.push(FieldError::new(
                format!("body.eventNames[{index}]"),
                "not an event name of the catalog (GET /api/events/catalog)",
                Some(Value::from(name.as_str())),
            )),
        }
    }
    for (index, event_type) in types.unwrap_or_default().iter().enumerate() {
        match EventKind::from_type(event_type) {
            Some(kind) => kinds.push(kind),
            None => errors.push(FieldError::new(
                format!("body.eventTypes[{index}]"),
                "not an event type of the catalog (GET /api/events/catalog)",
                Some(Value::from(event_type.as_str())),
            )),
        }
    }
    let subscribed: Vec<EventKind> = EventKind::all().filter(|kind| kinds.contains(kind)).collect();
    (errors.len() == before).then_some(subscribed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_endpoint(names: &[&str], types: &[&str]) -> NewWebhookEndpoint {
        NewWebhookEndpoint {
            url: "https://hooks.example.com/kaiten".into(),
            event_names: Some(names.iter().map(|n| (*n).to_owned()).collect()),
            event_types: Some(types.iter().map(|t| (*t).to_owned()).collect()),
            description: None,
            disabled: None,
            customer_ids: None,
            include_organization_events: None,
            headers: None,
            rate_limit: None,
        }
    }

    #[test]
    fn a_rate_limit_is_from_1_to_10000_and_null_removes_it() {
        for (rate, valid) in [(0, false), (1, true), (10_000, true), (10_001, false)] {
            let endpoint = NewWebhookEndpoint { rate_limit: Some(rate), ..new_endpoint(&[], &[]) };
            let draft = endpoint.validate(&UrlPolicy::default());
            assert_eq!(draft.as_ref().map(|d| d.rate_limit).ok(), valid.then_some(Some(rate)), "{rate}");
        }
        let removing = WebhookEndpointChanges { rate_limit: Some(None), ..WebhookEndpointChanges::default() };
        assert_eq!(removing.validate(&UrlPolicy::default()).map(|p| p.rate_limit).ok(), Some(Some(None)));
        let keeping = WebhookEndpointChanges::default();
        assert_eq!(keeping.validate(&UrlPolicy::default()).map(|p| p.rate_limit).ok(), Some(None));
    }

    #[test]
    fn names_and_types_merge_into_one_subscription_in_catalog_order() {
        let draft =
            new_endpoint(&["CUSTOMER_DELETION"], &["com.kaiten.customer.v1.created", "com.kaiten.customer.v1.deleted"])
                .validate(&UrlPolicy::default());
        let draft = draft.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draft.events, vec![EventKind::CustomerCreation, EventKind::CustomerDeletion]);
    }

    #[test]
    fn unknown_names_and_types_are_reported_with_their_position() {
        let errors = new_endpoint(&["CUSTOMER_CREATION", "NOPE"], &["com.nope"]).validate(&UrlPolicy::default());
        let errors = errors.err().map(|e| e.0).unwrap_or_default();
        let locations: Vec<&str> = errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, vec!["body.eventNames[1]", "body.eventTypes[0]"]);
    }

    #[test]
    fn a_forbidden_url_is_invalid_with_the_reason() {
        let mut endpoint = new_endpoint(&[], &[]);
        endpoint.url = "https://10.0.0.8/hook".into();
        let errors = endpoint.validate(&UrlPolicy::default()).err().map(|e| e.0).unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("private"), "{}", errors[0].message);
    }
}
