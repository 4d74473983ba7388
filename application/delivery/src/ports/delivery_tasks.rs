//! The built-in engine's later attempts as tasks: what a task names, and the scheduler that hands
//! each back when it is due (RabbitMQ delay queues in production). A task is only a pointer: the
//! delivery's state stays in the store, and a task that is no longer its delivery's next attempt is
//! stale.

use crate::endpoint::EndpointId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_application::ports::event_bus::BusError;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// A later attempt of one message to one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryTask {
    pub message_id: Uuid,
    pub endpoint_id: EndpointId,
    /// The attempt's number (1 = first): the task is stale unless it is still the delivery's next.
    pub attempt: u32,
    /// Asked for through the API: one attempt, outside the automatic chain.
    #[serde(default)]
    pub resend: bool,
    /// When it is due (ms since the Unix epoch); absent = now.
    #[serde(default)]
    pub due_at_ms: Option<i64>,
    /// The send slot reserved under the endpoint's rate limit (ms since the Unix epoch): the attempt
    /// is made then, without reserving another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_slot_ms: Option<i64>,
}

impl DeliveryTask {
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        self.due_at_ms.and_then(DateTime::from_timestamp_millis)
    }

    pub fn rate_slot(&self) -> Option<DateTime<Utc>> {
        self.rate_slot_ms.and_then(DateTime::from_timestamp_millis)
    }
}

/// How early a scheduler may hand a task back: a task is never handed back later than it is due, nor
/// more than this before (a task this close to being due is handed back at once).
pub const SCHEDULING_PRECISION: Duration = Duration::from_millis(250);

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait DeliveryScheduler: Send + Sync {
    /// Durably schedules `task` to be handed back at its `due_at` (now when it has none), within
    /// [`SCHEDULING_PRECISION`] before it, whatever else is waiting.
    async fn schedule(&self, task: DeliveryTask) -> Result<(), BusError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tasks wait in the broker across upgrades, so their form is fixed: the endpoint id is a plain
    /// UUID string, read and written back unchanged.
    #[test]
    fn a_task_keeps_its_wire_form() -> Result<(), serde_json::Error> {
        let stored = r#"{"messageId":"0190a5f2-0000-7000-8000-000000000001","endpointId":"0190a5f2-0000-7000-8000-000000000002","attempt":3,"resend":false,"dueAtMs":1700000000000}"#;
        let task: DeliveryTask = serde_json::from_str(stored)?;
        assert_eq!(task.endpoint_id.to_string(), "0190a5f2-0000-7000-8000-000000000002");
        assert_eq!(serde_json::to_string(&task)?, stored);
        Ok(())
    }
}
