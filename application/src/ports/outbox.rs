//! The transactional outbox.

use crate::error::RepoError;
use async_trait::async_trait;
use kaiten_domain::OutboxEvent;

/// Appends events to `outbox_events`. Only reachable inside a unit of work, so an event is written in
/// the same transaction as the change it reports, or not at all.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait OutboxRepo: Send + Sync {
    async fn append(&self, event: &OutboxEvent) -> Result<(), RepoError>;
}

/// Removes old outbox rows (the relay never needs a row once it was streamed from the WAL).
#[async_trait]
pub trait OutboxRetention: Send + Sync {
    /// Deletes at most `batch` rows created before `older_than`; returns how many were deleted.
    async fn prune_batch(&self, older_than: chrono::DateTime<chrono::Utc>, batch: i64) -> Result<u64, RepoError>;
}
