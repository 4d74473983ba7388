//! Test sends: the catalog's example of an event, delivered to one endpoint, signed like any other
//! message and marked `"test": true` in the body (built by the contract's `EventContract::test_body`),
//! so an integrator can check an endpoint end to end before a real event exists.

use crate::catalog::EventKind;
use crate::validation::{FieldError, ValidationErrors};
use serde_json::Value;

/// The input of `POST /api/webhooks/{id}/test`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSendAccepted {
    /// The test message's event id: `GET /api/webhooks/messages/{eventId}` shows its body and attempts.
    /// `null` on Svix, whose test messages have none (they appear in the history).
    pub event_id: Option<String>,
    /// The message id the receiver sees in `webhook-id`.
    pub message_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_catalog_names_are_sent() {
        let unknown = TestSendRequest { event_name: "NOPE".into() }.event();
        assert_eq!(unknown.err().map(|e| e.0[0].location.clone()), Some("body.eventName".to_owned()));
        assert_eq!(TestSendRequest { event_name: "RELEASE_CREATION".into() }.event(), Ok(EventKind::ReleaseCreation));
    }
}
