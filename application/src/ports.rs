//! The ports: traits the use cases call and the adapters implement. Each is `Send + Sync`, used as
//! `Arc<dyn Port>`; with the `mocks` feature each has a mockall mock (`MockScopedRepository<R>`,
//! `MockTokenRepository`, …).

pub mod accounts;
pub mod deployment_zones;
pub mod event_bus;
pub mod event_feed;
pub mod health;
pub mod instances;
pub mod licenses;
pub mod operational_events;
pub mod outbox;
pub mod retention;
pub mod scoped;
pub mod timer;
pub mod unit_of_work;
pub mod webhook_management;
pub mod webhooks;
