//! An instance's audit trail: every event about it, in Kaiten's current names, as
//! `GET /api/instances/{slug}/audit-trails` returns it.

use crate::catalog::EventKind;
use crate::instance::Instance;
use crate::page::Page;
use crate::slug::Slug;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// Kaiten's name and type of a status change made by `PATCH`.
pub const STATUS_CHANGED: (&str, &str) = ("INSTANCE_STATUS_CHANGED", "com.kaiten.instance.v1.status_changed");
/// Kaiten's name and type of a lifecycle-stage change made by `PATCH`.
pub const LIFECYCLE_STAGE_CHANGED: (&str, &str) =
    ("INSTANCE_LIFECYCLE_STAGE_CHANGED", "com.kaiten.instance.v1.lifecycle_stage_changed");

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub instance_slug: Slug,
    pub event_name: String,
    pub event_type: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// What the event carried.
    pub payload: Value,
    pub organization_id: Uuid,
}

impl AuditEntry {
    /// An entry named `(name, type)` about `instance`, carrying `payload`.
    pub fn new(instance: &Instance, (name, event_type): (&str, &str), payload: Value, now: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::now_v7(),
            instance_id: instance.id,
            instance_slug: instance.slug.clone(),
            event_name: name.to_owned(),
            event_type: event_type.to_owned(),
            created_at: now,
            payload,
            organization_id: instance.organization_id,
        }
    }

    /// The entry of a catalog event about `instance`.
    pub fn of(instance: &Instance, kind: EventKind, payload: Value, now: DateTime<Utc>) -> Self {
        Self::new(instance, (kind.current_name(), kind.event_type()), payload, now)
    }
}

/// Which entries to read: one event name, a time window (exclusive), one page, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditFilter {
    pub event_name: Option<String>,
    pub after: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub page: Page,
}
