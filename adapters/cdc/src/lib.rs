//! CDC relay (replaces Debezium): streams the logical replication slot over the replication protocol,
//! decodes pgoutput itself, and publishes every committed `outbox_events` insert through the
//! `EventBus` port in Debezium Server's CloudEvents format, acknowledging a transaction's end LSN to
//! PostgreSQL only after the broker confirmed all of its messages. No table is ever polled.

mod backlog;
mod config;
pub mod debezium;
pub mod pgoutput;
mod relay;
mod replay;
mod setup;
mod stats;
mod stream;

pub use config::{DEFAULT_MAX_BACKLOG, RelayConfig};
pub use relay::Relay;
pub use replay::PgOutboxReplay;
pub use stats::{RelayReadiness, RelayStats};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayError {
    #[error(
        "PostgreSQL runs with wal_level = {0}, but the relay needs logical replication. Fix: run \
         `ALTER SYSTEM SET wal_level = logical;` as a superuser and restart PostgreSQL (scripts/setup.sh does both)"
    )]
    WalLevel(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("database: {0}")]
    Database(String),
    #[error("replication stream: {0}")]
    Stream(String),
    #[error("another relay is streaming slot {0}")]
    SlotBusy(String),
    #[error("event bus: {0}")]
    Bus(String),
    #[error("{0}")]
    Decode(String),
}
