//! Retention: deletes rows older than their retention period (outbox rows, webhook messages) in small
//! batches, so no statement holds locks for long.

use crate::error::UseCaseError;
use crate::ports::retention::Retention;
use chrono::TimeDelta;
use kaiten_domain::clock;
use std::sync::Arc;

pub struct PruneOldRows {
    retention: Arc<dyn Retention>,
}

impl PruneOldRows {
    pub fn new(retention: Arc<dyn Retention>) -> Self {
        Self { retention }
    }

    /// Deletes every row older than `keep`; returns how many.
    pub async fn execute(&self, keep: TimeDelta) -> Result<u64, UseCaseError> {
        let older_than = clock::now() - keep;
        let batch = self.retention.batch();
        let mut total = 0;
        loop {
            let deleted = self.retention.prune_batch(older_than, batch).await?;
            total += deleted;
            if deleted < batch as u64 {
                return Ok(total);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RepoError;
    use async_trait::async_trait;
    use futures::executor::block_on;
    use std::sync::Mutex;

    const BATCH: i64 = 10;

    /// Holds `remaining` old rows; deletes up to a batch per call.
    struct OldRows {
        remaining: Mutex<u64>,
        calls: Mutex<u32>,
    }

    #[async_trait]
    impl Retention for OldRows {
        async fn prune_batch(&self, _: chrono::DateTime<chrono::Utc>, batch: i64) -> Result<u64, RepoError> {
            let mut remaining = self.remaining.lock().map_err(|e| RepoError::Unexpected(e.to_string()))?;
            let deleted = (*remaining).min(batch as u64);
            *remaining -= deleted;
            *self.calls.lock().map_err(|e| RepoError::Unexpected(e.to_string()))? += 1;
            Ok(deleted)
        }

        fn batch(&self) -> i64 {
            BATCH
        }
    }

    #[test]
    fn deletes_in_batches_until_a_short_one() {
        let rows = Arc::new(OldRows { remaining: Mutex::new(2 * BATCH as u64 + 3), calls: Mutex::new(0) });
        let deleted = block_on(PruneOldRows::new(rows.clone()).execute(TimeDelta::days(7)));
        assert_eq!(deleted, Ok(2 * BATCH as u64 + 3));
        assert_eq!(rows.calls.lock().map(|c| *c).unwrap_or_default(), 3);
    }
}
