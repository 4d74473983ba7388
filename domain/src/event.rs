//! A domain event as written to the outbox, in the same transaction as the change it reports.

use crate::catalog::{EventDomain, EventKind};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

/// One row of `outbox_events` before it is written: the event's name and type come from its kind,
/// `data` is the entity's wire form (the contract's, which the API returns too); `traceparent` (the
/// request's W3C trace context) is stored
/// in the row's `headers`. An update's `previous_attributes` holds the fields it changed, with their
/// values before it (Stripe's `previous_attributes`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    pub data: Value,
    pub traceparent: Option<String>,
    pub previous_attributes: Option<Value>,
    /// The customer the event concerns (customer and instance events, when the instance has one).
    pub customer: Option<EventCustomer>,
}

/// The customer an event concerns: its id and slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCustomer {
    pub id: Uuid,
    pub slug: String,
}

impl EventCustomer {
    /// Where an event's `data` names its customer (id, slug): the customer itself for customer
    /// events, the instance's customer for instance events; `None` for organization-wide events.
    pub fn fields(kind: EventKind) -> Option<(&'static str, &'static str)> {
        match kind.domain() {
            EventDomain::Customer => Some(("id", "slug")),
            EventDomain::Instance => Some(("customerId", "customerSlug")),
            _ => None,
        }
    }

    /// Read from an event's `data`: the customer itself for customer events, the instance's
    /// `customerId`/`customerSlug` for instance events; none for organization-wide events.
    pub fn of(kind: EventKind, data: &Value) -> Option<Self> {
        let (id, slug) = Self::fields(kind)?;
        let id = data.get(id)?.as_str()?.parse().ok()?;
        Some(Self { id, slug: data.get(slug)?.as_str()?.to_owned() })
    }
}

impl EventKind {
    /// Whether its bodies carry `previousAttributes`: every `*_UPDATE` event and `INSTANCE_MIGRATION`.
    pub fn carries_previous_attributes(self) -> bool {
        self.name().ends_with("_UPDATE") || self == EventKind::InstanceMigration
    }

    /// Whether its bodies name the customer they concern (`customerId`, `customerSlug`): the customer
    /// events always, the instance events when the instance has a customer.
    pub fn may_concern_a_customer(self) -> bool {
        EventCustomer::fields(self).is_some()
    }
}

/// Fields every update changes, never listed in `previous_attributes`.
const BOOKKEEPING: [&str; 2] = ["updatedAt", "updatedBy"];

/// The top-level fields of `before` that differ in `after`, with their values in `before` (`null` for a
/// field `before` did not have), bookkeeping fields left out; `{}` when nothing else changed.
pub fn previous_attributes(before: &Value, after: &Value) -> Value {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else { return before.clone() };
    let changed = before.keys().chain(after.keys()).filter(|key| !BOOKKEEPING.contains(&key.as_str()));
    let mut previous = serde_json::Map::new();
    for key in changed {
        if before.get(key) != after.get(key) && !previous.contains_key(key) {
            previous.insert(key.clone(), before.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    Value::Object(previous)
}

impl OutboxEvent {
    /// Builds the event whose `data` is `entity`, a wire type of the contract.
    pub fn of<T: Serialize>(
        kind: EventKind,
        organization_id: Uuid,
        entity: &T,
        traceparent: Option<String>,
    ) -> Result<Self, serde_json::Error> {
        let data = serde_json::to_value(entity)?;
        let customer = EventCustomer::of(kind, &data);
        Ok(Self { id: Uuid::now_v7(), organization_id, kind, data, traceparent, previous_attributes: None, customer })
    }

    /// Builds the event of an update from `before` to `after`, with `previous_attributes`.
    pub fn update<T: Serialize>(
        kind: EventKind,
        organization_id: Uuid,
        before: &T,
        after: &T,
        traceparent: Option<String>,
    ) -> Result<Self, serde_json::Error> {
        let event = Self::of(kind, organization_id, after, traceparent)?;
        let previous = previous_attributes(&serde_json::to_value(before)?, &event.data);
        Ok(Self { previous_attributes: Some(previous), ..event })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn previous_attributes_hold_what_changed_with_its_value_before() {
        let before = json!({"name": "Acme", "domain": null, "slug": "acme", "updatedAt": "t1", "gone": 1});
        let after = json!({"name": "Acme Inc", "domain": "acme.example", "slug": "acme", "updatedAt": "t2", "new": 2});
        assert_eq!(
            previous_attributes(&before, &after),
            json!({"name": "Acme", "domain": null, "gone": 1, "new": null})
        );
        assert_eq!(previous_attributes(&before, &before), json!({}), "an update that changed nothing");
        let unchanged_but_stamped =
            json!({"name": "Acme", "domain": null, "slug": "acme", "updatedAt": "t9", "gone": 1});
        assert_eq!(previous_attributes(&before, &unchanged_but_stamped), json!({}), "bookkeeping is left out");
    }
}
