//! Per-endpoint concurrency: at most `limit` requests in flight to one endpoint in this process.
//! A delivery that finds its endpoint saturated waits its turn (first come, first served), for at
//! most a bounded time when a timer is given, or while fewer than `limit` others wait for that
//! endpoint without one; then it is deferred instead. So a slow endpoint holds the consumer's slots
//! that other endpoints' deliveries need for a bounded time only, and a fast one's deliveries are not
//! sent round the delay queue.

use crate::endpoint::EndpointId;
use async_lock::{Semaphore, SemaphoreGuardArc};
use futures::future::{Either, select};
use kaiten_application::ports::timer::Timer;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Gate {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
}

pub(crate) struct EndpointSlots {
    limit: usize,
    gates: Mutex<HashMap<EndpointId, Arc<Gate>>>,
}

/// A taken slot, given back when dropped.
pub(crate) struct Slot(#[allow(dead_code)] SemaphoreGuardArc);

/// Counts a waiter out when its wait ends (taken, or the waiting future dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl EndpointSlots {
    pub(crate) fn new(limit: usize) -> Self {
        Self { limit: limit.max(1), gates: Mutex::default() }
    }

    fn gate(&self, endpoint: EndpointId) -> Arc<Gate> {
        let mut gates = self.gates.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if gates.len() > 10_000 {
            // Forget idle endpoints so the map stays bounded.
            // A gate is in use while a taker holds it or a taken slot holds its semaphore.
            gates.retain(|_, gate| Arc::strong_count(gate) > 1 || Arc::strong_count(&gate.permits) > 1);
        }
        let limit = self.limit;
        gates
            .entry(endpoint)
            .or_insert_with(|| {
                Arc::new(Gate { permits: Arc::new(Semaphore::new(limit)), waiting: AtomicUsize::new(0) })
            })
            .clone()
    }

    /// A slot for `endpoint`: at once when one is free; else after the requests before it, if that
    /// takes at most `wait` on `timer` (without a timer: if fewer than `limit` are waiting); else
    /// `None` (the delivery is deferred).
    pub(crate) async fn take(&self, endpoint: EndpointId, timer: Option<(&dyn Timer, Duration)>) -> Option<Slot> {
        let gate = self.gate(endpoint);
        if let Some(permit) = gate.permits.try_acquire_arc() {
            return Some(Slot(permit));
        }
        if let Some((timer, wait)) = timer {
            gate.waiting.fetch_add(1, Ordering::AcqRel);
            let _waiting = Waiting(&gate.waiting);
            let acquire = std::pin::pin!(gate.permits.acquire_arc());
            let timeout = std::pin::pin!(timer.sleep(wait));
            return match select(acquire, timeout).await {
                Either::Left((permit, _)) => Some(Slot(permit)),
                Either::Right(_) => None,
            };
        }
        let limit = self.limit;
        gate.waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waiting| (waiting < limit).then_some(waiting + 1))
            .ok()?;
        let _waiting = Waiting(&gate.waiting);
        Some(Slot(gate.permits.acquire_arc().await))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use uuid::Uuid;

    #[test]
    fn a_saturated_endpoint_makes_up_to_its_limit_wait_and_defers_the_rest() {
        let slots = EndpointSlots::new(2);
        let (busy, other) = (EndpointId::new(Uuid::now_v7()), EndpointId::new(Uuid::now_v7()));
        let first = slots.take(busy, None).now_or_never().flatten();
        let second = slots.take(busy, None).now_or_never().flatten();
        assert!(first.is_some() && second.is_some());
        let mut third = Box::pin(slots.take(busy, None));
        assert!((&mut third).now_or_never().is_none(), "the third waits");
        let mut fourth = Box::pin(slots.take(busy, None));
        assert!((&mut fourth).now_or_never().is_none(), "so does the fourth");
        assert!(matches!(slots.take(busy, None).now_or_never(), Some(None)), "the fifth is deferred");
        assert!(slots.take(other, None).now_or_never().flatten().is_some(), "another endpoint is not affected");
        drop(first);
        let third = third.now_or_never().flatten();
        assert!(third.is_some(), "the first waiter gets the slot given back");
        drop(fourth);
        assert!(slots.take(busy, None).now_or_never().is_none(), "a cancelled waiter no longer counts: this one waits");
    }

    /// A timer whose sleep ends when the test says so.
    struct Alarm(async_lock::Mutex<()>);

    #[async_trait::async_trait]
    impl Timer for Alarm {
        async fn sleep(&self, _: Duration) {
            let _rung = self.0.lock().await;
        }
    }

    #[test]
    fn with_a_timer_every_delivery_waits_until_the_timer_rings() {
        let slots = EndpointSlots::new(1);
        let busy = EndpointId::new(Uuid::now_v7());
        let alarm = Alarm(async_lock::Mutex::new(()));
        let held = alarm.0.try_lock();
        let first = slots.take(busy, None).now_or_never().flatten();
        assert!(first.is_some());
        let timer: Option<(&dyn Timer, Duration)> = Some((&alarm, Duration::from_millis(250)));
        let mut waiters: Vec<_> = (0..5).map(|_| Box::pin(slots.take(busy, timer))).collect();
        assert!(waiters.iter_mut().all(|w| w.as_mut().now_or_never().is_none()), "more than the limit wait");
        drop(first);
        let served = waiters.remove(0).now_or_never().flatten();
        assert!(served.is_some(), "the first waiter gets the slot given back");
        drop(held);
        assert!(waiters.into_iter().all(|w| matches!(w.now_or_never(), Some(None))), "the rest time out: deferred");
    }
}
