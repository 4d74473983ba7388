//! Kaiten's wire contract: every body the API takes and returns and every event's `data`, each its
//! own type — the seven resources (`customer`, `entitlement`, `license`, `instance`,
//! `instance_usage`, `deployment_zone`, `release`, `feature_flag`), `account` (organizations, service
//! accounts, tokens), `webhook` and `webhook_operations` (endpoints, messages, attempts, statistics,
//! recoveries, test sends), `operational` (the operational events' payloads), `page`, `values` —
//! made from the domain's types ([`ToWire`], `From`) and converted into its inputs; and what the
//! catalog, Svix's event types and test sends publish about each event ([`EventContract`]: the JSON
//! Schema of its `data` and of its whole webhook body, an example, a test body). A change to a domain
//! type reaches a client only through a change here, which the golden files under `contract/` pin.
//! No I/O: data, schemas and conversions.

pub mod account;
pub mod catalog;
pub mod customer;
pub mod deployment_zone;
pub mod entitlement;
mod event_body_schema;
mod event_example;
mod event_schema;
pub mod feature_flag;
pub mod instance;
pub mod instance_usage;
pub mod license;
mod mirror;
pub mod operational;
pub mod page;
pub mod release;
pub mod values;
pub mod webhook;
pub mod webhook_operations;

use chrono::{DateTime, Utc};
use kaiten_domain::EventKind;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// A domain value's form on the wire: what the API returns for it and its events carry.
pub trait ToWire {
    type Wire: Serialize;

    fn to_wire(&self) -> Self::Wire;
}

/// What the contract says about each event: the JSON Schemas of its `data` and of its whole webhook
/// body, an example `data`, and the body of a test send.
pub trait EventContract {
    /// The JSON Schema (2020-12) of the event's `data`.
    fn data_schema(self) -> Value;
    /// The JSON Schema (2020-12) of the event's webhook body.
    fn body_schema(self) -> Value;
    /// An example of the event's `data`.
    fn example(self) -> Value;
    /// The body of a test send of the event: its example as `data`, marked `"test": true`.
    fn test_body(self, id: Uuid, timestamp: DateTime<Utc>) -> Value;
}

impl EventContract for EventKind {
    fn data_schema(self) -> Value {
        event_schema::data_schema(self)
    }

    fn body_schema(self) -> Value {
        event_body_schema::body_schema(self)
    }

    fn example(self) -> Value {
        event_example::example(self)
    }

    fn test_body(self, id: Uuid, timestamp: DateTime<Utc>) -> Value {
        event_example::test_body(self, id, timestamp)
    }
}
