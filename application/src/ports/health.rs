//! Readiness: each part the process depends on reports whether it works right now.

use async_trait::async_trait;

/// One dependency of this process (database, broker, relay slot…).
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    /// A short name: `database`, `broker`, `relay`.
    fn name(&self) -> &'static str;
    /// `Err` with what is wrong when the part cannot serve now.
    async fn check(&self) -> Result<(), String>;
    /// What a working part is doing, when there is more to say than `ok` (the broker node in use,
    /// a relay standing by).
    async fn detail(&self) -> Option<String> {
        None
    }
}
