//! The built-in engine's settings: the retry schedule (Svix's by default) and its jitter, per-endpoint
//! concurrency, and when a failing endpoint is disabled.

use std::time::Duration;

/// Svix's retry schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
pub const SVIX_RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Delays before attempts 2, 3, …
    pub retry_schedule: Vec<Duration>,
    /// ± fraction applied to each delay (0.2 = ±20 %).
    pub jitter: f64,
    /// Requests in flight to one endpoint at most (per process).
    pub endpoint_concurrency: usize,
    /// How long a delivery to a saturated endpoint waits for a slot in this process (with a timer).
    pub slot_wait: Duration,
    /// How long a delivery deferred from a saturated endpoint waits before trying again.
    pub defer_delay: Duration,
    /// An endpoint failing for this long is disabled.
    pub disable_after: Duration,
    /// How long one attempt may take at most (the transport's total timeout).
    pub request_timeout: Duration,
}

impl DeliverySettings {
    /// How long a claim holds a delivery: twice the longest an attempt can take, and 5 s, so that a
    /// live process always settles first; a dead process's claims lapse after it.
    pub fn claim_lease(&self) -> Duration {
        self.request_timeout * 2 + Duration::from_secs(5)
    }
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            retry_schedule: SVIX_RETRY_SCHEDULE.to_vec(),
            jitter: 0.2,
            endpoint_concurrency: 16,
            slot_wait: Duration::from_millis(250),
            defer_delay: Duration::from_secs(1),
            disable_after: Duration::from_secs(5 * 24 * 3600),
            request_timeout: Duration::from_secs(15),
        }
    }
}
