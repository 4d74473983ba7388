//! What the relay is told: where to read from, its slot, and the bounds on what it holds in memory.

use std::time::Duration;

/// 64 MiB of unconfirmed messages: with rows of up to 1 MiB (the API's body limit), memory stays
/// within this plus `DEFAULT_BUFFERED_EVENTS` rows, whatever the transactions look like.
pub const DEFAULT_MAX_IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;
/// Replication events read ahead of the relay.
pub const DEFAULT_BUFFERED_EVENTS: usize = 64;
/// Messages waiting in the work queue at most before the relay holds back: at the 2.5 KiB of an
/// ordinary event, ≈ 10 MiB of broker memory, and seconds of work for the consumers.
pub const DEFAULT_MAX_BACKLOG: u64 = 4096;
/// While held back, how often the relay looks at the work queue again.
pub(crate) const BACKLOG_LOOK_INTERVAL: Duration = Duration::from_millis(20);

#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub database_url: String,
    /// The replication slot; the publication has the same name.
    pub slot: String,
    /// Debezium's logical server name (`topic.prefix`), used in the message ids and `source`.
    pub server_name: String,
    /// Messages published but not yet confirmed, at most; a single transaction larger than this is
    /// still read whole, once the transactions before it are acknowledged.
    pub max_in_flight: usize,
    /// Bytes of the messages published but not yet confirmed, at most (as for `max_in_flight`, a
    /// single larger transaction is read whole once the ones before it are acknowledged).
    pub max_in_flight_bytes: usize,
    /// Decoded replication events buffered ahead of the relay (each up to one row's size).
    pub buffered_events: usize,
    /// How often the acknowledged position is reported to PostgreSQL.
    pub status_interval: Duration,
    /// Messages waiting in the work queue (published, not yet taken by a consumer) at most: at this
    /// many the relay reads no further until the consumers take some, and the backlog stays in the
    /// WAL. `None`: no bound (the queue grows for as long as its consumers are behind).
    pub max_backlog: Option<u64>,
}

impl RelayConfig {
    pub fn new(database_url: impl Into<String>, slot: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            slot: slot.into(),
            server_name: "kaiten".into(),
            max_in_flight: 4096,
            max_in_flight_bytes: DEFAULT_MAX_IN_FLIGHT_BYTES,
            buffered_events: DEFAULT_BUFFERED_EVENTS,
            status_interval: Duration::from_millis(500),
            max_backlog: Some(DEFAULT_MAX_BACKLOG),
        }
    }
}
