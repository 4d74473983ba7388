//! The JSON Schema of the whole webhook body of each event — the same body the event feed serves:
//! `id`, `name`, `type`, `timestamp`, `customerId`/`customerSlug` on events that concern a customer,
//! `previousAttributes` on updates and migrations, and `data` (the event's data schema).

use crate::event_schema::data_schema;
use kaiten_domain::EventKind;
use serde_json::{Map, Value, json};

/// The JSON Schema (2020-12) of `kind`'s webhook body.
pub(crate) fn body_schema(kind: EventKind) -> Value {
    let mut data = data_schema(kind);
    let definitions = data.as_object_mut().and_then(|schema| schema.remove("$defs"));
    data.as_object_mut().map(|schema| schema.remove("$schema"));
    let mut properties = Map::new();
    properties
        .insert("id".into(), json!({"type": "string", "description": "The event id (the built-in engine's `webhook-id` after `msg_`; Svix's `eventId`)"}));
    let names = json!([kind.name(), kind.current_name()]);
    let naming = "The catalog name, or Kaiten's current one when the organization chose it";
    properties.insert("name".into(), json!({"type": "string", "enum": names, "description": naming}));
    properties.insert("type".into(), json!({"type": "string", "const": kind.event_type()}));
    properties.insert(
        "timestamp".into(),
        json!({"type": "string", "format": "date-time", "description": "When the change was committed"}),
    );
    if kind.may_concern_a_customer() {
        properties.insert("customerId".into(), json!({"type": "string", "format": "uuid"}));
        properties.insert("customerSlug".into(), json!({"type": "string"}));
    }
    properties.insert(
        "test".into(),
        json!({"type": "boolean", "const": true, "description": "Only on a test send (`POST /api/webhooks/{id}/test`): the catalog's example, not a real change"}),
    );
    let mut required = vec!["id", "name", "type", "timestamp", "data"];
    if kind.carries_previous_attributes() {
        properties.insert("previousAttributes".into(), previous_attributes_schema(&data));
        required.push("previousAttributes");
    }
    properties.insert("data".into(), data);
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": required,
        "properties": properties,
    });
    if let (Some(definitions), Some(object)) = (definitions, schema.as_object_mut()) {
        object.insert("$defs".into(), definitions);
    }
    schema
}

/// The fields an update changed, with their values before it: any of `data`'s properties (with the
/// same schema), none required, nothing else; `updatedAt`/`updatedBy` are never listed.
fn previous_attributes_schema(data: &Value) -> Value {
    let mut properties = data["properties"].as_object().cloned().unwrap_or_default();
    properties.remove("updatedAt");
    properties.remove("updatedBy");
    json!({
        "type": "object",
        "description": "The fields the change altered, with their values before it ({} when nothing changed)",
        "properties": properties,
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventContract;

    #[test]
    fn update_bodies_describe_previous_attributes_and_customer_events_their_customer() {
        let update = EventKind::CustomerUpdate.body_schema();
        assert!(update["required"].as_array().is_some_and(|r| r.contains(&json!("previousAttributes"))));
        assert!(update["properties"]["previousAttributes"]["properties"]["name"].is_object());
        assert!(update["properties"]["previousAttributes"]["properties"].get("updatedAt").is_none());
        assert!(update["properties"]["customerSlug"].is_object());
        let release = EventKind::ReleaseCreation.body_schema();
        assert!(release["properties"].get("previousAttributes").is_none());
        assert!(release["properties"].get("customerId").is_none());
        assert!(release["$defs"].is_object() || release.to_string().contains("\"data\""));
    }
}
