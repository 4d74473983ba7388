//! Holding back while the consumers' queue is full. A message the broker holds and no consumer has
//! taken yet costs the broker memory, and its queue's every garbage collection walks all of them; a
//! row the relay has not read yet costs nothing but the WAL the slot keeps anyway. So while the work
//! queue holds `limit` messages the relay reads no further, and the backlog stays in the WAL.
//!
//! The relay asks the bus how many messages wait (one broker round trip) only when what it knows could
//! have reached the limit: the count at its last look plus every message published since (consumers
//! only lower it). While held back it looks again every `interval`.

use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct BacklogGate {
    /// The most messages waiting in the queue; `None`: no bound (or the bus cannot tell).
    limit: Option<u64>,
    interval: Duration,
    /// Messages waiting at the last look plus those published since; `None` before the first look.
    at_most: Option<u64>,
    looked_at: Option<Instant>,
}

impl BacklogGate {
    pub(crate) fn new(limit: Option<u64>, interval: Duration) -> Self {
        Self { limit, interval, at_most: None, looked_at: None }
    }

    /// Whether the relay may publish another message without looking at the queue first.
    pub(crate) fn open(&self) -> bool {
        match (self.limit, self.at_most) {
            (None, _) => true,
            (Some(limit), Some(at_most)) => at_most < limit,
            (Some(_), None) => false,
        }
    }

    /// When to look next: at once the first time, then no sooner than `interval` after the last look.
    pub(crate) fn next_look(&self) -> Instant {
        self.looked_at.map_or_else(Instant::now, |at| at + self.interval)
    }

    /// What a look found: `waiting` messages, or `None` when the bus cannot tell (then there is no bound).
    pub(crate) fn looked(&mut self, waiting: Option<u64>) {
        self.looked_at = Some(Instant::now());
        match waiting {
            Some(waiting) => self.at_most = Some(waiting),
            None => self.limit = None,
        }
    }

    pub(crate) fn published(&mut self) {
        if let Some(at_most) = self.at_most.as_mut() {
            *at_most += 1;
        }
    }

    /// Whether the last look found the queue full (the relay waits for its consumers).
    pub(crate) fn holding_back(&self) -> bool {
        self.looked_at.is_some() && !self.open()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_millis(50);

    #[test]
    fn without_a_limit_it_never_looks() {
        let mut gate = BacklogGate::new(None, INTERVAL);
        for _ in 0..10_000 {
            assert!(gate.open());
            gate.published();
        }
        assert!(!gate.holding_back());
    }

    #[tokio::test(start_paused = true)]
    async fn it_looks_first_then_once_what_it_published_could_fill_the_queue() {
        let mut gate = BacklogGate::new(Some(10), INTERVAL);
        assert!(!gate.open(), "the queue was never looked at");
        assert!(gate.next_look() <= Instant::now());
        gate.looked(Some(7));
        for _ in 0..3 {
            assert!(gate.open());
            gate.published();
        }
        assert!(!gate.open(), "7 waiting + 3 published may be the limit");
        assert!(gate.holding_back());
        assert_eq!(gate.next_look(), Instant::now() + INTERVAL, "no sooner than the interval after the last look");
        tokio::time::advance(INTERVAL).await;
        gate.looked(Some(2));
        assert!(gate.open(), "the consumers took 8");
        assert!(!gate.holding_back());
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_queue_keeps_it_closed_until_a_look_finds_room() {
        let mut gate = BacklogGate::new(Some(10), INTERVAL);
        gate.looked(Some(10));
        assert!(!gate.open());
        gate.looked(Some(12));
        assert!(!gate.open(), "other publishers can fill the queue beyond the limit");
        gate.looked(Some(9));
        assert!(gate.open());
        gate.published();
        assert!(!gate.open());
    }

    #[test]
    fn a_bus_that_cannot_tell_lifts_the_bound() {
        let mut gate = BacklogGate::new(Some(10), INTERVAL);
        gate.looked(None);
        assert!(gate.open());
        gate.published();
        assert!(gate.open());
    }
}
