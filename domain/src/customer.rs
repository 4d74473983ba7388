//! Customers: the vendor's own customers, to whom licenses and instances belong.

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_text};
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// A customer, as the domain keeps it (the API and its events show it through the contract).
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub external_customer_id: Option<String>,
    /// The customer's web domain (`acme.example`).
    pub domain: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

/// The input of `POST /api/customers`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub name: String,
    /// Derived from the name when omitted.
    pub slug: Option<String>,
    pub external_customer_id: Option<String>,
    pub domain: Option<String>,
}

/// The input of `PUT /api/customers/{slug}`: a full replacement — an omitted `externalCustomerId` or
/// `domain` is cleared; an omitted `slug` keeps the slug (a given one renames the customer).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerUpdate {
    pub name: String,
    pub slug: Option<String>,
    pub external_customer_id: Option<String>,
    pub domain: Option<String>,
}

/// A web domain as Kaiten takes it: lowercase labels of letters, digits, `_` and `-`, at least two.
fn parse_domain(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw else { return Ok(None) };
    let labels: Vec<&str> = raw.split('.').collect();
    let valid = raw.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        });
    if valid {
        Ok(Some(raw.to_owned()))
    } else {
        Err(FieldError::new("domain", "must be a lowercase domain such as `acme.example`", Some(Value::from(raw))))
    }
}

impl Customer {
    /// Validates a new customer of `organization_id`, created by `actor`.
    pub fn create(
        organization_id: Uuid,
        input: NewCustomer,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let external = v.check(parse_optional_text("externalCustomerId", input.external_customer_id.as_deref()));
        let domain = v.check(parse_domain(input.domain.as_deref()));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                external_customer_id: external?,
                domain: domain?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }

    /// This customer replaced by `update`, made by `actor`.
    pub fn replace(&self, update: CustomerUpdate, actor: &Actor, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &update.name));
        let slug = match update.slug.as_deref() {
            Some(raw) => v.check(Slug::given_or_derived("slug", Some(raw), raw)),
            None => Some(self.slug.clone()),
        };
        let external = v.check(parse_optional_text("externalCustomerId", update.external_customer_id.as_deref()));
        let domain = v.check(parse_domain(update.domain.as_deref()));
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                external_customer_id: external?,
                domain: domain?,
                updated_at: now,
                updated_by: actor.clone(),
                ..self.clone()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock;

    fn actor() -> Actor {
        Actor::new(Uuid::from_u128(7), "CI")
    }

    fn acme() -> Customer {
        let input = NewCustomer {
            name: " Acme Corp ".into(),
            slug: None,
            external_customer_id: Some("crm-1".into()),
            domain: Some("acme.example".into()),
        };
        Customer::create(Uuid::nil(), input, &actor(), clock::now()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn create_derives_the_slug_trims_and_records_the_actor() {
        let customer = acme();
        assert_eq!(customer.name, "Acme Corp");
        assert_eq!(customer.slug.as_str(), "acme-corp");
        assert_eq!(customer.created_at, customer.updated_at);
        assert_eq!((&customer.created_by, &customer.updated_by), (&actor(), &actor()));
    }

    #[test]
    fn create_reports_every_invalid_field() {
        let input = NewCustomer {
            name: "".into(),
            slug: Some("Not A Slug".into()),
            external_customer_id: None,
            domain: Some("Acme.example".into()),
        };
        let errors =
            Customer::create(Uuid::nil(), input, &actor(), clock::now()).err().map(|e| e.0).unwrap_or_default();
        let locations: Vec<_> = errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, ["name", "slug", "domain"]);
    }

    #[test]
    fn replace_clears_what_is_not_sent_and_keeps_the_slug() {
        let customer = acme();
        let editor = Actor::new(Uuid::from_u128(8), "Console");
        let update = CustomerUpdate { name: "Acme Inc".into(), slug: None, external_customer_id: None, domain: None };
        let replaced = customer.replace(update, &editor, clock::now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((replaced.name.as_str(), replaced.slug.as_str()), ("Acme Inc", "acme-corp"));
        assert_eq!((replaced.external_customer_id, replaced.domain), (None, None));
        assert_eq!((replaced.created_by, replaced.updated_by), (actor(), editor));
    }

    #[test]
    fn domains_are_lowercase_with_two_labels_at_least() {
        assert!(parse_domain(Some("acme.co.uk")).is_ok());
        for bad in ["acme", "acme..example", "ACME.example", "acme.example.", "ac me.example"] {
            assert!(parse_domain(Some(bad)).is_err(), "{bad}");
        }
    }
}
