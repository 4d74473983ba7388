//! Kaiten's pure domain model: the entities of the seven domains (customers, entitlements, licenses
//! and their entitlement links, instances and usage, deployment zones and deployments, releases,
//! feature flags) plus organizations, service accounts and tokens; the value objects that validate
//! them (slug, scope, entitlement value, …); and the catalog of the events the system emits (27
//! domain events, 3 operational ones). Nothing here performs I/O: it is data and rules, shared by
//! every other crate. Nor does it know its wire form: the contract crate (`kaiten-contract`)
//! converts to and from the bodies the API and the events carry.

pub mod actor;
pub mod address_registry;
pub mod catalog;
pub mod clock;
pub mod customer;
pub mod deployment_zone;
pub mod entitlement;
pub mod event;
pub mod feature_flag;
pub mod feature_flag_rules;
pub mod instance;
pub mod instance_audit;
pub mod instance_usage;
pub mod license;
pub mod name;
pub mod openfeature;
pub mod organization;
pub mod page;
pub mod quantity;
pub mod release;
pub mod scope;
pub mod serde_helpers;
pub mod slug;
pub mod token;
pub mod validation;
pub mod webhook;
pub mod webhook_endpoint_input;
pub mod webhook_headers;
pub mod webhook_operational;
pub mod webhook_recovery;
pub mod webhook_scope;
pub mod webhook_secret_rotation;
pub mod webhook_stats;
pub mod webhook_test_send;
pub mod webhook_url;

pub use actor::Actor;
pub use catalog::{EventDomain, EventKind, EventNaming};
pub use event::{EventCustomer, OutboxEvent};
pub use page::{Page, PageKey, Paged};
pub use scope::{Access, Module, Scope, ScopeSet};
pub use slug::Slug;
pub use validation::{FieldError, ValidationErrors};
