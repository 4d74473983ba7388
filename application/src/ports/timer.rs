//! Waiting for a while: the runtime's timer, for what must not wait longer than a bound.

use async_trait::async_trait;
use std::time::Duration;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Timer: Send + Sync {
    /// Returns after `duration`.
    async fn sleep(&self, duration: Duration);
}
