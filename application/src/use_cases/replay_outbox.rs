//! Re-publishes stored outbox rows of a time window through the same exchange and in the same format
//! as the relay, with publisher confirms. Downstream is idempotent on the outbox id (the engine's
//! message id, Svix's idempotency key), so replaying an event already delivered delivers nothing twice.

use crate::error::UseCaseError;
use crate::ports::event_bus::EventBus;
use crate::ports::outbox::{OutboxReplaySource, ReplayWindow};
use futures::future::try_join_all;
use std::sync::Arc;

/// Rows read and published per round.
pub const REPLAY_BATCH: i64 = 500;

pub struct ReplayOutbox {
    source: Arc<dyn OutboxReplaySource>,
    bus: Arc<dyn EventBus>,
}

impl ReplayOutbox {
    pub fn new(source: Arc<dyn OutboxReplaySource>, bus: Arc<dyn EventBus>) -> Self {
        Self { source, bus }
    }

    /// How many rows the window holds.
    pub async fn count(&self, window: &ReplayWindow) -> Result<u64, UseCaseError> {
        Ok(self.source.count(window).await?)
    }

    /// Publishes every row of the window, oldest first; `progress` is told the running total after
    /// each confirmed batch. Returns how many were published.
    pub async fn execute(&self, window: &ReplayWindow, progress: &(dyn Fn(u64) + Sync)) -> Result<u64, UseCaseError> {
        if window.since >= window.until {
            return Err(UseCaseError::Invalid(kaiten_domain::ValidationErrors::single(
                "since",
                "must be before `until`",
                None,
            )));
        }
        self.bus.ensure_topology().await.map_err(|e| UseCaseError::Unavailable(e.to_string()))?;
        let mut cursor = None;
        let mut published = 0;
        loop {
            let batch = self.source.batch(window, cursor, REPLAY_BATCH).await?;
            let Some((last, _)) = batch.last() else { return Ok(published) };
            cursor = Some(*last);
            let size = batch.len() as u64;
            let mut confirmations = Vec::with_capacity(batch.len());
            for (_, message) in batch {
                confirmations
                    .push(self.bus.publish(message).await.map_err(|e| UseCaseError::Unavailable(e.to_string()))?);
            }
            try_join_all(confirmations).await.map_err(|e| UseCaseError::Unavailable(e.to_string()))?;
            published += size;
            progress(published);
            if size < REPLAY_BATCH as u64 {
                return Ok(published);
            }
        }
    }
}
