//! The transactional outbox.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::OutboxEvent;

/// Appends events to `outbox_events`. Only a unit of work's `Transaction` has one, so an event is
/// written in the same transaction as the change it reports, or not at all.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OutboxRepo: Send + Sync {
    async fn append(&self, event: &OutboxEvent) -> Result<(), RepoError>;
}

/// Which stored rows a replay re-publishes: created in `[since, until)`, optionally of one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayWindow {
    pub since: chrono::DateTime<chrono::Utc>,
    pub until: chrono::DateTime<chrono::Utc>,
    pub organization_id: Option<uuid::Uuid>,
}

/// Where a replay stopped: the last row's `occurred_at` and id (rows are read in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayCursor {
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub id: uuid::Uuid,
}

/// Stored outbox rows, read back as the very messages the relay publishes for them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OutboxReplaySource: Send + Sync {
    async fn count(&self, window: &ReplayWindow) -> Result<u64, RepoError>;
    /// Up to `limit` rows after `after`, oldest first.
    async fn batch(
        &self,
        window: &ReplayWindow,
        after: Option<ReplayCursor>,
        limit: i64,
    ) -> Result<Vec<(ReplayCursor, crate::ports::event_bus::OutgoingMessage)>, RepoError>;
}
