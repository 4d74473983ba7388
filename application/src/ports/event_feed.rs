//! The organization's event feed: the outbox rows still within retention, oldest first.

use crate::error::RepoError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_domain::webhook_scope::CustomerRef;
use kaiten_domain::{EventCustomer, EventKind};
use serde_json::Value;
use uuid::Uuid;

/// Which events a page holds.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedQuery {
    pub organization_id: Uuid,
    /// Events after this one (in feed order); `None`: from the oldest.
    pub after: Option<Uuid>,
    /// Only these kinds; empty: every kind.
    pub kinds: Vec<EventKind>,
    /// Only events that happened at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only events of this customer (its id, or its slug).
    pub customer: Option<CustomerRef>,
    /// At most this many (the store is asked for one more, to know whether more follow).
    pub limit: i64,
}

/// One stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: Uuid,
    pub kind: EventKind,
    pub data: Value,
    pub occurred_at: DateTime<Utc>,
    pub previous_attributes: Option<Value>,
    pub customer: Option<EventCustomer>,
}

/// Why a page cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// `after` names no event of the organization (never, or no longer: past retention).
    #[error("the cursor names no event this feed still holds")]
    UnknownCursor,
    #[error(transparent)]
    Store(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EventFeed: Send + Sync {
    /// Up to `query.limit` events in feed order (occurrence time, then id), only among those no
    /// transaction still being written can precede: a reader walking the cursor never skips one.
    async fn page(&self, query: &FeedQuery) -> Result<Vec<StoredEvent>, FeedError>;
    /// One event of the organization.
    async fn find(&self, organization_id: Uuid, id: Uuid) -> Result<Option<StoredEvent>, RepoError>;
}
