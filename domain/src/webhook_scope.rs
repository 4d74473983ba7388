//! Which customers' events a webhook endpoint receives. An endpoint scoped to customers
//! (`customerIds`) receives the events that concern one of them (the customer events and the instance
//! events, usage included) and, only with `includeOrganizationEvents`, the organization-wide ones
//! (entitlements, licenses, zones, releases, flags). No customers = every event. Event-name filters
//! apply on top.

use crate::slug::{Slug, SlugError};
use crate::validation::FieldError;
use serde_json::Value;
use uuid::Uuid;

/// The most customers one endpoint names.
pub const MAX_ENDPOINT_CUSTOMERS: usize = 100;

/// Why a text names no customer: it is not a UUID, and not a slug for the reason given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("neither a customer id nor a slug: {0}")]
pub struct NotACustomerRef(pub SlugError);

/// A customer as a request names it: by id or by slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerRef {
    Id(Uuid),
    Slug(Slug),
}

impl CustomerRef {
    /// A UUID is an id; anything else must be a slug.
    pub fn parse(raw: &str) -> Result<Self, NotACustomerRef> {
        match Uuid::parse_str(raw) {
            Ok(id) => Ok(Self::Id(id)),
            Err(_) => Slug::parse(raw).map(Self::Slug).map_err(NotACustomerRef),
        }
    }
}

/// An endpoint's customers. `C` is how they are named: [`CustomerRef`] as requested, `Uuid` once
/// resolved against the organization's customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerScope<C = Uuid> {
    /// Empty = every event.
    pub customers: Vec<C>,
    /// With customers: the organization-wide events too.
    pub include_organization_events: bool,
}

impl<C> Default for CustomerScope<C> {
    fn default() -> Self {
        Self { customers: Vec::new(), include_organization_events: false }
    }
}

impl CustomerScope<Uuid> {
    /// Whether an event that concerns `customer` (`None`: organization-wide) goes through.
    pub fn admits(&self, customer: Option<Uuid>) -> bool {
        if self.customers.is_empty() {
            return true;
        }
        match customer {
            Some(id) => self.customers.contains(&id),
            None => self.include_organization_events,
        }
    }
}

/// `customerIds` of a request: each an id or a slug, at most [`MAX_ENDPOINT_CUSTOMERS`], repeats
/// dropped (first position kept); errors name the position.
pub(crate) fn parse_customer_refs(raw: &[String], errors: &mut Vec<FieldError>) -> Vec<CustomerRef> {
    if raw.len() > MAX_ENDPOINT_CUSTOMERS {
        errors.push(FieldError::new(
            "body.customerIds",
            format!("at most {MAX_ENDPOINT_CUSTOMERS} customers"),
            Some(Value::from(raw.len())),
        ));
        return Vec::new();
    }
    let mut refs: Vec<CustomerRef> = Vec::with_capacity(raw.len());
    for (index, entry) in raw.iter().enumerate() {
        match CustomerRef::parse(entry.trim()) {
            Ok(customer) if !refs.contains(&customer) => refs.push(customer),
            Ok(_) => {}
            Err(reason) => errors.push(FieldError::new(
                format!("body.customerIds[{index}]"),
                reason.to_string(),
                Some(Value::from(entry.chars().take(200).collect::<String>())),
            )),
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_that_is_neither_an_id_nor_a_slug_says_why() {
        let customer = CustomerRef::parse("Not A Slug").map_err(|e| e.to_string());
        assert_eq!(
            customer,
            Err("neither a customer id nor a slug: may contain only lowercase letters, digits and hyphens".to_owned())
        );
    }

    #[test]
    fn a_scope_without_customers_admits_everything() {
        let scope = CustomerScope::default();
        assert!(scope.admits(None));
        assert!(scope.admits(Some(Uuid::now_v7())));
    }

    #[test]
    fn a_customer_scope_admits_its_customers_and_organization_events_only_when_asked() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mut scope = CustomerScope { customers: vec![mine], include_organization_events: false };
        assert!(scope.admits(Some(mine)));
        assert!(!scope.admits(Some(other)));
        assert!(!scope.admits(None));
        scope.include_organization_events = true;
        assert!(scope.admits(None));
        assert!(!scope.admits(Some(other)));
    }

    #[test]
    fn references_are_ids_or_slugs_without_repeats_and_bad_ones_are_located() {
        let id = Uuid::now_v7();
        let raw = vec![id.to_string(), "acme".into(), "acme".into(), "Not A Slug".into()];
        let mut errors = Vec::new();
        let refs = parse_customer_refs(&raw, &mut errors);
        assert_eq!(
            refs,
            vec![CustomerRef::Id(id), CustomerRef::Slug(Slug::parse("acme").unwrap_or_else(|e| panic!("{e}")))]
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location, "body.customerIds[3]");
    }

    #[test]
    fn more_than_the_limit_is_refused() {
        let raw: Vec<String> = (0..=MAX_ENDPOINT_CUSTOMERS).map(|i| format!("c{i}")).collect();
        let mut errors = Vec::new();
        assert!(parse_customer_refs(&raw, &mut errors).is_empty());
        assert_eq!(errors[0].location, "body.customerIds");
    }
}
