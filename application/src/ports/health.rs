//! Readiness: each part the process depends on reports whether it works right now.

use async_trait::async_trait;

/// Why a part cannot serve now, in words the readiness answer shows (`no connection: …`,
/// `waiting for the broker`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(String);

impl NotReady {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

/// One dependency of this process (database, broker, relay slot…).
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    /// A short name: `database`, `broker`, `relay`.
    fn name(&self) -> &'static str;
    /// `Err` with what is wrong when the part cannot serve now.
    async fn check(&self) -> Result<(), NotReady>;
    /// What a working part is doing, when there is more to say than `ok` (the broker node in use,
    /// a relay standing by).
    async fn detail(&self) -> Option<String> {
        None
    }
}
