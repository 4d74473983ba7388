//! An instance's operational status and lifecycle stage, set by `PATCH /api/instances/{slug}`.

use super::Instance;
use crate::actor::Actor;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// An instance's operational status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceStatus {
    Healthy,
    Degraded,
    Incident,
    Maintenance,
}

crate::entitlement::text_codes!(InstanceStatus {
    Healthy = "HEALTHY", Degraded = "DEGRADED", Incident = "INCIDENT", Maintenance = "MAINTENANCE"
});

/// The input of `PATCH /api/instances/{slug}`: a new status, a new lifecycle stage, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct InstancePatch {
    pub status: Option<InstanceStatus>,
    pub lifecycle_stage: Option<String>,
}

impl Instance {
    /// This instance with the patch's status and stage, set by `actor`.
    pub fn patched(
        &self,
        patch: InstancePatch,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, crate::validation::ValidationErrors> {
        let invalid = |location: &str, message: &str, value: Value| {
            crate::validation::ValidationErrors(vec![crate::validation::FieldError::new(
                location,
                message,
                Some(value),
            )])
        };
        if patch.status.is_none() && patch.lifecycle_stage.is_none() {
            return Err(invalid("status", "give a status, a lifecycleStage or both", Value::Null));
        }
        let stage = match patch.lifecycle_stage {
            Some(raw) => {
                let trimmed = raw.trim().to_owned();
                if !(1..=100).contains(&trimmed.chars().count()) {
                    return Err(invalid("lifecycleStage", "must be 1 to 100 characters", Value::from(raw)));
                }
                Some(trimmed)
            }
            None => self.lifecycle_stage.clone(),
        };
        Ok(Self {
            status: patch.status.or(self.status),
            lifecycle_stage: stage,
            updated_at: now,
            updated_by: actor.clone(),
            ..self.clone()
        })
    }
}
