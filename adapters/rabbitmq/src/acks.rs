//! Acknowledging consumed messages together. A message is acknowledged only once it is settled (its
//! retry or dead-letter copy confirmed, if it has one), but not one frame per message: every settled
//! message older than the oldest one still being handled goes in one `basic.ack` with `multiple`, so
//! under load one frame acknowledges a batch. A message settled while an older one is still being
//! handled waits for it only until that one has been handled for `hold`, then is acknowledged alone,
//! so a slow or waiting message never holds back the others' acks (nor their prefetch places) for
//! long. `multiple` only ever covers tags that are all settled.

use kaiten_application::ports::event_bus::BusError;
use lapin::Channel;
use lapin::options::BasicAckOptions;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The delivery tags of one channel: those being handled and those settled but not acknowledged.
#[derive(Debug, Default)]
struct AckWindow {
    /// Received and not yet settled, with when each was received.
    handling: BTreeMap<u64, Instant>,
    /// Settled and not yet acknowledged.
    settled: BTreeSet<u64>,
}

/// The acks to send now: one `multiple` ack up to a tag, and single ones.
#[derive(Debug, Default, PartialEq, Eq)]
struct Acks {
    up_to: Option<u64>,
    single: Vec<u64>,
}

impl AckWindow {
    fn received(&mut self, tag: u64, at: Instant) {
        self.handling.insert(tag, at);
    }

    fn settled(&mut self, tag: u64) {
        if self.handling.remove(&tag).is_some() {
            self.settled.insert(tag);
        }
    }

    /// Takes the acks due at `now`, and says when the next one held back is due: those settled behind
    /// the oldest message still handled are due once that one has been handled for `hold`.
    fn take_due(&mut self, now: Instant, hold: Duration) -> (Acks, Option<Instant>) {
        let mut acks = Acks::default();
        let (held, held_until) = match self.handling.first_key_value() {
            Some((oldest_handled, received_at)) => (self.settled.split_off(oldest_handled), *received_at + hold),
            None => (BTreeSet::new(), now),
        };
        acks.up_to = self.settled.last().copied();
        self.settled = held;
        if self.settled.is_empty() {
            return (acks, None);
        }
        if held_until > now {
            return (acks, Some(held_until));
        }
        acks.single = std::mem::take(&mut self.settled).into_iter().collect();
        (acks, None)
    }
}

/// The acks of one consuming channel, sent by [`AckBatcher::run`] as messages are settled.
pub(crate) struct AckBatcher {
    window: Mutex<AckWindow>,
    wake: Notify,
    hold: Duration,
}

impl AckBatcher {
    pub(crate) fn new(hold: Duration) -> Self {
        Self { window: Mutex::default(), wake: Notify::new(), hold }
    }

    fn window(&self) -> std::sync::MutexGuard<'_, AckWindow> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A message is being handled: no `multiple` ack covers it until it is settled.
    pub(crate) fn received(&self, tag: u64) {
        self.window().received(tag, Instant::now());
    }

    /// A message is settled: it may be acknowledged.
    pub(crate) fn settled(&self, tag: u64) {
        self.window().settled(tag);
        self.wake.notify_one();
    }

    /// Sends the acks as they fall due, until one cannot be sent (the channel broke).
    pub(crate) async fn run(&self, channel: &Channel) -> BusError {
        loop {
            let (acks, next) = self.window().take_due(Instant::now(), self.hold);
            if let Err(error) = send(channel, acks).await {
                return error;
            }
            match next {
                Some(due) => {
                    tokio::select! {
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep_until(due) => {}
                    }
                }
                None => self.wake.notified().await,
            }
        }
    }

    /// Acknowledges every message settled so far (before the channel is closed).
    pub(crate) async fn flush(&self, channel: &Channel) -> Result<(), BusError> {
        let (acks, _) = self.window().take_due(Instant::now(), Duration::ZERO);
        send(channel, acks).await
    }
}

/// Sends the acks. Every frame is queued before any is awaited (lapin queues a frame on the first poll
/// of `basic_ack`), so acks taken from the window are sent even if this is dropped half way.
async fn send(channel: &Channel, acks: Acks) -> Result<(), BusError> {
    let unavailable = |error: lapin::Error| BusError::Unavailable(format!("cannot acknowledge: {error}"));
    let multiple = acks.up_to.map(|tag| (tag, true));
    let frames = multiple.into_iter().chain(acks.single.into_iter().map(|tag| (tag, false)));
    let sending = frames.map(|(tag, multiple)| channel.basic_ack(tag, BasicAckOptions { multiple }));
    futures::future::try_join_all(sending).await.map_err(unavailable)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOLD: Duration = Duration::from_millis(20);

    fn window(handling: &[u64], at: Instant) -> AckWindow {
        let mut window = AckWindow::default();
        handling.iter().for_each(|tag| window.received(*tag, at));
        window
    }

    #[test]
    fn messages_settled_below_the_oldest_handled_are_acknowledged_in_one_ack() {
        let now = Instant::now();
        let mut window = window(&[1, 2, 3, 4, 5], now);
        for tag in [2, 1, 3] {
            window.settled(tag);
        }
        let (acks, next) = window.take_due(now, HOLD);
        assert_eq!(acks, Acks { up_to: Some(3), single: vec![] });
        assert_eq!(next, None);
        assert_eq!(window.take_due(now, HOLD).0, Acks::default(), "each tag is acknowledged once");
    }

    #[test]
    fn messages_settled_behind_one_still_handled_wait_until_it_was_handled_for_the_hold() {
        let now = Instant::now();
        let mut window = window(&[1, 2, 3], now);
        window.settled(2);
        window.settled(3);
        let (acks, next) = window.take_due(now + Duration::from_millis(15), HOLD);
        assert_eq!(acks, Acks::default(), "1 is still being handled: no ack may cover it");
        assert_eq!(next, Some(now + HOLD), "due once 1 has been handled for the hold");
        let (acks, next) = window.take_due(now + HOLD, HOLD);
        assert_eq!(acks, Acks { up_to: None, single: vec![2, 3] });
        assert_eq!(next, None);
        window.received(4, now + HOLD);
        window.settled(4);
        let (acks, _) = window.take_due(now + HOLD, HOLD);
        assert_eq!(acks, Acks { up_to: None, single: vec![4] }, "behind a message handled that long, at once");
        window.settled(1);
        let (acks, next) = window.take_due(now + HOLD, HOLD);
        assert_eq!(acks, Acks { up_to: Some(1), single: vec![] });
        assert_eq!(next, None);
    }

    #[test]
    fn a_tag_never_received_is_never_acknowledged() {
        let now = Instant::now();
        let mut window = window(&[1], now);
        window.settled(7);
        assert_eq!(window.take_due(now + HOLD, HOLD).0, Acks::default());
    }
}
