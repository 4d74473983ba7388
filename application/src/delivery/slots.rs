//! Per-endpoint concurrency: at most `limit` requests in flight to one endpoint in this process.
//! A delivery that finds its endpoint saturated is deferred instead of waiting, so a slow endpoint
//! never holds the consumer's slots that other endpoints' deliveries need.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub(crate) struct EndpointSlots {
    limit: usize,
    in_flight: Mutex<HashMap<Uuid, Arc<AtomicUsize>>>,
}

/// A taken slot, given back when dropped.
pub(crate) struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl EndpointSlots {
    pub(crate) fn new(limit: usize) -> Self {
        Self { limit: limit.max(1), in_flight: Mutex::default() }
    }

    /// A slot for `endpoint`, or `None` when `limit` requests are already in flight to it.
    pub(crate) fn try_take(&self, endpoint: Uuid) -> Option<Slot> {
        let counter = {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if in_flight.len() > 10_000 {
                // Forget idle endpoints so the map stays bounded.
                in_flight.retain(|_, counter| counter.load(Ordering::Acquire) > 0);
            }
            in_flight.entry(endpoint).or_default().clone()
        };
        let limit = self.limit;
        counter
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |taken| (taken < limit).then_some(taken + 1))
            .ok()
            .map(|_| Slot(counter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_gets_at_most_its_limit_and_slots_come_back() {
        let slots = EndpointSlots::new(2);
        let (busy, other) = (Uuid::now_v7(), Uuid::now_v7());
        let first = slots.try_take(busy);
        let second = slots.try_take(busy);
        assert!(first.is_some() && second.is_some());
        assert!(slots.try_take(busy).is_none(), "a third request to a saturated endpoint");
        assert!(slots.try_take(other).is_some(), "another endpoint is not affected");
        drop(first);
        assert!(slots.try_take(busy).is_some());
    }
}
