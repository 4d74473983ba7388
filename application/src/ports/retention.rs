//! Stored rows that age out: outbox rows (the relay never needs a row once it was streamed from the
//! WAL) and the built-in engine's webhook messages with their attempts.

use crate::error::RepoError;
use async_trait::async_trait;

/// One kind of row that is deleted once older than its retention.
#[async_trait]
pub trait Retention: Send + Sync {
    /// Deletes at most `batch` rows created before `older_than`; returns how many were deleted.
    async fn prune_batch(&self, older_than: chrono::DateTime<chrono::Utc>, batch: i64) -> Result<u64, RepoError>;

    /// Rows deleted per statement (smaller where each row takes others with it).
    fn batch(&self) -> i64 {
        5_000
    }
}
