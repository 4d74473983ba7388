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
