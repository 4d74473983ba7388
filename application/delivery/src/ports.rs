//! The ports of the built-in delivery engine, implemented by the adapters; with the `mocks` feature
//! each has a mockall mock.

pub mod delivery;
pub mod delivery_tasks;
pub mod webhook_transport;
