//! What the relay reports about itself: last acknowledged LSN, lag, messages published, failures.

use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct RelayStats {
    acked_lsn: AtomicU64,
    server_wal_end: AtomicU64,
    lag_micros: AtomicI64,
    published: AtomicU64,
    failures: AtomicU64,
    streaming: AtomicBool,
    standing_by: AtomicBool,
    holding_back: AtomicBool,
}

impl RelayStats {
    /// The last LSN reported to PostgreSQL as flushed.
    pub fn acked_lsn(&self) -> u64 {
        self.acked_lsn.load(Ordering::Relaxed)
    }

    /// WAL bytes the server has that are not acknowledged yet.
    pub fn lag_bytes(&self) -> u64 {
        self.server_wal_end.load(Ordering::Relaxed).saturating_sub(self.acked_lsn())
    }

    /// Seconds between the commit of the last acknowledged transaction and its acknowledgement.
    pub fn lag_seconds(&self) -> f64 {
        self.lag_micros.load(Ordering::Relaxed) as f64 / 1e6
    }

    /// Messages confirmed by the broker.
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }

    /// Stream or publish failures (each followed by a reconnect).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Whether the relay reads no further because the work queue holds as many messages as it may.
    pub fn is_holding_back(&self) -> bool {
        self.holding_back.load(Ordering::Relaxed)
    }

    pub(crate) fn set_holding_back(&self, holding_back: bool) {
        self.holding_back.store(holding_back, Ordering::Relaxed);
    }

    /// Whether this relay currently holds its slot.
    pub fn is_streaming(&self) -> bool {
        self.streaming.load(Ordering::Relaxed)
    }

    pub(crate) fn record_ack(&self, lsn: u64, messages: u64, lag_micros: i64) {
        self.acked_lsn.fetch_max(lsn, Ordering::Relaxed);
        self.server_wal_end.fetch_max(lsn, Ordering::Relaxed);
        self.published.fetch_add(messages, Ordering::Relaxed);
        self.lag_micros.store(lag_micros.max(0), Ordering::Relaxed);
    }

    pub(crate) fn record_wal_end(&self, lsn: u64) {
        self.server_wal_end.fetch_max(lsn, Ordering::Relaxed);
    }

    pub(crate) fn record_failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether another process streams the slot and this relay waits to take over.
    pub fn is_standing_by(&self) -> bool {
        self.standing_by.load(Ordering::Relaxed)
    }

    /// A relay that stops streaming (to reconnect, or for good) holds nothing back until it streams
    /// and looks at the work queue again.
    pub(crate) fn set_streaming(&self, streaming: bool) {
        self.streaming.store(streaming, Ordering::Relaxed);
        if streaming {
            self.standing_by.store(false, Ordering::Relaxed);
        } else {
            self.holding_back.store(false, Ordering::Relaxed);
        }
    }

    pub(crate) fn set_standing_by(&self, standing_by: bool) {
        self.standing_by.store(standing_by, Ordering::Relaxed);
    }
}

/// The relay is ready while it streams its slot, or stands by because another process streams it
/// (so a standby `serve` stays in its load balancer's rotation); not while it starts or reconnects.
pub struct RelayReadiness(pub std::sync::Arc<RelayStats>);

#[async_trait::async_trait]
impl ReadinessCheck for RelayReadiness {
    fn name(&self) -> &'static str {
        "relay"
    }

    async fn check(&self) -> Result<(), NotReady> {
        if self.0.is_streaming() || self.0.is_standing_by() {
            Ok(())
        } else {
            Err(NotReady::new("not streaming its replication slot (starting, or reconnecting)"))
        }
    }

    async fn detail(&self) -> Option<String> {
        if self.0.is_streaming() {
            Some("streaming the replication slot".into())
        } else if self.0.is_standing_by() {
            Some("standing by: another process streams the replication slot".into())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relay_that_stops_streaming_no_longer_reports_holding_back() {
        let stats = RelayStats::default();
        stats.set_streaming(true);
        stats.set_holding_back(true);
        assert!(stats.is_holding_back());
        stats.set_streaming(false);
        assert!(!stats.is_holding_back() && !stats.is_streaming());
    }
}
