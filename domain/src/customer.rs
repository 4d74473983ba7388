//! Customers: the vendor's own customers, to whom licenses and instances belong.

use crate::actor::Actor;
use crate::name::{parse_name, parse_optional_text};
use crate::serde_helpers::double_option;
use crate::slug::Slug;
use crate::validation::{ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A customer, exactly as the API returns it and as its events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub external_customer_id: Option<String>,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Actor,
}

/// The body of `POST /api/customers`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCustomer {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: String,
    /// Derived from the name when omitted.
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    pub external_customer_id: Option<String>,
}

/// The body of `PUT /api/customers/{slug}`: omitted fields keep their value; an explicit `null`
/// clears `externalCustomerId`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerChanges {
    #[schema(schema_with = crate::name::name_schema)]
    pub name: Option<String>,
    #[schema(schema_with = crate::slug::slug_schema)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub external_customer_id: Option<Option<String>>,
}

impl Customer {
    /// Validates a new customer of `organization_id`.
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
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                external_customer_id: external?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
                updated_at: now,
                updated_by: actor.clone(),
            })
        })
    }

    /// This customer with `changes` applied (a partial update).
    pub fn apply(&self, changes: CustomerChanges, actor: &Actor, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = match changes.name.as_deref() {
            Some(raw) => v.check(parse_name("name", raw)),
            None => Some(self.name.clone()),
        };
        let slug = match changes.slug.as_deref() {
            Some(raw) => v.check(Slug::given_or_derived("slug", Some(raw), raw)),
            None => Some(self.slug.clone()),
        };
        let external = match changes.external_customer_id {
            Some(raw) => v.check(parse_optional_text("externalCustomerId", raw.as_deref())),
            None => Some(self.external_customer_id.clone()),
        };
        v.finish(|| {
            Some(Self {
                name: name?,
                slug: slug?,
                external_customer_id: external?,
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

    fn acme() -> Customer {
        let input = NewCustomer { name: " Acme Corp ".into(), slug: None, external_customer_id: Some("crm-1".into()) };
        Customer::create(Uuid::nil(), input, &Actor::unknown(), clock::now()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn create_derives_the_slug_and_trims() {
        let customer = acme();
        assert_eq!(customer.name, "Acme Corp");
        assert_eq!(customer.slug.as_str(), "acme-corp");
        assert_eq!(customer.created_at, customer.updated_at);
    }

    #[test]
    fn create_reports_every_invalid_field() {
        let input = NewCustomer { name: "".into(), slug: Some("Not A Slug".into()), external_customer_id: None };
        let errors = Customer::create(Uuid::nil(), input, &Actor::unknown(), clock::now())
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        let locations: Vec<_> = errors.iter().map(|e| e.location.as_str()).collect();
        assert_eq!(locations, ["name", "slug"]);
    }

    #[test]
    fn apply_keeps_omitted_fields_and_clears_explicit_nulls() {
        let customer = acme();
        let renamed = customer.apply(
            CustomerChanges { name: Some("Acme Inc".into()), ..Default::default() },
            &Actor::unknown(),
            clock::now(),
        );
        let renamed = renamed.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(renamed.name, "Acme Inc");
        assert_eq!(renamed.slug, customer.slug);
        assert_eq!(renamed.external_customer_id.as_deref(), Some("crm-1"));
        let cleared = customer.apply(
            CustomerChanges { external_customer_id: Some(None), ..Default::default() },
            &Actor::unknown(),
            clock::now(),
        );
        assert_eq!(cleared.ok().and_then(|c| c.external_customer_id), None);
    }

    #[test]
    fn changes_distinguish_null_from_absent() {
        let absent: CustomerChanges = serde_json::from_str("{}").unwrap_or_default();
        let null: CustomerChanges = serde_json::from_str(r#"{"externalCustomerId":null}"#).unwrap_or_default();
        assert_eq!(absent.external_customer_id, None);
        assert_eq!(null.external_customer_id, Some(None));
        assert!(serde_json::from_str::<CustomerChanges>(r#"{"nmae":"x"}"#).is_err());
    }
}
