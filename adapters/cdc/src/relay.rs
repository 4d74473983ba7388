//! The relay's supervisor: prepares PostgreSQL and the broker, then streams, and after any fault
//! reconnects with backoff and resumes from the slot's confirmed position.

use crate::config::RelayConfig;
use crate::stats::RelayStats;
use crate::{RelayError, setup, stream};
use backon::{BackoffBuilder, ExponentialBuilder};
use kaiten_application::ports::event_bus::EventBus;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often a standby tries to take the slot over.
pub const STANDBY_POLL: Duration = Duration::from_secs(1);

pub struct Relay {
    config: RelayConfig,
    bus: Arc<dyn EventBus>,
    stats: Arc<RelayStats>,
}

impl Relay {
    pub fn new(config: RelayConfig, bus: Arc<dyn EventBus>) -> Self {
        Self { config, bus, stats: Arc::default() }
    }

    pub fn stats(&self) -> Arc<RelayStats> {
        self.stats.clone()
    }

    /// Checks `wal_level`, creates the publication and the slot when missing, declares the broker topology.
    pub async fn prepare(&self) -> Result<(), RelayError> {
        let client = setup::connect(&self.config.database_url).await?;
        setup::check_wal_level(&client).await?;
        setup::ensure_publication(&client, &self.config.slot).await?;
        setup::ensure_slot(&client, &self.config.slot).await?;
        self.bus.ensure_topology().await.map_err(|e| RelayError::Bus(e.to_string()))
    }

    /// Streams until `shutdown` is cancelled, reconnecting after every fault. Returns early only for
    /// a fault that retrying cannot mend (wrong `wal_level`).
    pub async fn run(&self, shutdown: CancellationToken) -> Result<(), RelayError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(5))
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        while !shutdown.is_cancelled() {
            let started = tokio::time::Instant::now();
            // A standby prepared when it started; it only asks for the slot again.
            let prepared = if self.stats.is_standing_by() { Ok(()) } else { self.prepare().await };
            let outcome = match prepared {
                Ok(()) => stream::stream(&self.config, self.bus.as_ref(), &self.stats, &shutdown).await,
                Err(error) => Err(error),
            };
            self.stats.set_streaming(false);
            if started.elapsed() > Duration::from_secs(30) {
                delays = backoff.build();
            }
            let delay = match outcome {
                Ok(()) => break,
                Err(error @ RelayError::WalLevel(_)) => return Err(error),
                Err(RelayError::SlotBusy(slot)) => {
                    self.stats.set_standing_by(true);
                    tracing::debug!(slot, "another relay holds the slot; waiting to take over");
                    // A standby tries again every second (one connection, two queries), so it takes
                    // over within about a second of the slot being released.
                    delays = backoff.build();
                    STANDBY_POLL
                }
                Err(error) => {
                    self.stats.set_standing_by(false);
                    self.stats.record_failure();
                    tracing::warn!(%error, "relay interrupted; reconnecting");
                    delays.next().unwrap_or(Duration::from_secs(5))
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(delay) => {}
            }
        }
        tracing::info!("relay stopped");
        Ok(())
    }
}
