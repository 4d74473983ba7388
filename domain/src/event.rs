//! A domain event as written to the outbox, in the same transaction as the change it reports.

use crate::catalog::EventKind;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// One row of `outbox_events` before it is written: the event's name and type come from its kind,
/// `data` is the entity as the API returns it; `traceparent` (the request's W3C trace context) is stored
/// in the row's `headers`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    pub data: Value,
    pub traceparent: Option<String>,
}

impl OutboxEvent {
    /// Builds the event for `entity`, serialized exactly as the API serializes it.
    pub fn of<T: Serialize>(
        kind: EventKind,
        organization_id: Uuid,
        entity: &T,
        traceparent: Option<String>,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self { id: Uuid::now_v7(), organization_id, kind, data: serde_json::to_value(entity)?, traceparent })
    }
}
