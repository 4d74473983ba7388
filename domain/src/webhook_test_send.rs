//! Test sends: the catalog's example of an event, delivered to one endpoint, signed like any other
//! message and marked `"test": true` in the body, so an integrator can check an endpoint end to end
//! before a real event exists.

use crate::catalog::EventKind;
use crate::validation::{FieldError, ValidationErrors};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// The body of `POST /api/webhooks/{id}/test`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestSendRequest {
    /// The catalog event whose example is sent (`GET /api/events/catalog`).
    pub event_name: String,
}

impl TestSendRequest {
    pub fn event(&self) -> Result<EventKind, ValidationErrors> {
        EventKind::from_name(&self.event_name).ok_or_else(|| {
            ValidationErrors(vec![FieldError::new(
                "body.eventName",
                "not an event name of the catalog (GET /api/events/catalog)",
                Some(Value::from(self.event_name.as_str())),
            )])
        })
    }
}

/// What a test send queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestSendAccepted {
    /// The test message's event id: `GET /api/webhooks/messages/{eventId}` shows its body and attempts.
    /// `null` on Svix, whose test messages have none (they appear in the history).
    pub event_id: Option<String>,
    /// The message id the receiver sees in `webhook-id`.
    pub message_id: String,
}

impl EventKind {
    /// The body of a test send of this event: its catalog example as `data`, `"test": true`, an empty
    /// `previousAttributes` on events that carry one, and no customer.
    pub fn test_body(self, id: Uuid, timestamp: DateTime<Utc>) -> Value {
        let mut body = json!({
            "id": id.simple().to_string(),
            "name": self.name(),
            "type": self.event_type(),
            "timestamp": timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            "test": true,
        });
        if let Some(fields) = body.as_object_mut() {
            if self.carries_previous_attributes() {
                fields.insert("previousAttributes".into(), json!({}));
            }
            fields.insert("data".into(), self.example());
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_body_is_the_example_marked_as_a_test() {
        let id = Uuid::now_v7();
        let body = EventKind::LicenseUpdate.test_body(id, Utc::now());
        assert_eq!(body["test"], true);
        assert_eq!(body["id"], id.simple().to_string());
        assert_eq!(body["name"], "LICENSE_UPDATE");
        assert_eq!(body["previousAttributes"], json!({}));
        assert_eq!(body["data"], EventKind::LicenseUpdate.example());
        assert!(EventKind::CustomerCreation.test_body(id, Utc::now()).get("previousAttributes").is_none());
    }

    #[test]
    fn only_catalog_names_are_sent() {
        let unknown = TestSendRequest { event_name: "NOPE".into() }.event();
        assert_eq!(unknown.err().map(|e| e.0[0].location.clone()), Some("body.eventName".to_owned()));
        assert_eq!(TestSendRequest { event_name: "RELEASE_CREATION".into() }.event(), Ok(EventKind::ReleaseCreation));
    }
}
