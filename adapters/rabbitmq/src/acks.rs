//! Acknowledging consumed messages together. A message is acknowledged only once it is settled (its
//! retry or dead-letter copy confirmed, if it has one), but not one frame per message: every settled
//! message older than the oldest one still being handled goes in one `basic.ack` with `multiple`, so
//! under load one frame acknowledges a batch. A message settled while an older one is still being
//! handled is held back at most `hold`, then acknowledged alone, so a message waiting for a dependency
//! never holds back the others' acks for long. `multiple` only ever covers tags that are all settled.

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
    /// Received and not yet settled.
    handling: BTreeSet<u64>,
    /// Settled and not yet acknowledged, with when each was settled.
    settled: BTreeMap<u64, Instant>,
}

/// The acks to send now: one `multiple` ack up to a tag, and single ones.
#[derive(Debug, Default, PartialEq, Eq)]
struct Acks {
    up_to: Option<u64>,
    single: Vec<u64>,
}

impl AckWindow {
    fn received(&mut self, tag: u64) {
        self.handling.insert(tag);
    }

    fn settled(&mut self, tag: u64, at: Instant) {
        if self.handling.remove(&tag) {
            self.settled.insert(tag, at);
        }
    }

    /// Takes the acks due at `now`, and says when the next one held back is due.
    fn take_due(&mut self, now: Instant, hold: Duration) -> (Acks, Option<Instant>) {
        let mut acks = Acks::default();
        let held = match self.handling.first() {
            Some(oldest_handled) => self.settled.split_off(oldest_handled),
            None => BTreeMap::new(),
        };
        acks.up_to = self.settled.last_key_value().map(|(tag, _)| *tag);
        self.settled = held;
        self.settled.retain(|tag, settled_at| {
            let due = *settled_at + hold <= now;
            if due {
                acks.single.push(*tag);
            }
            !due
        });
        let next = self.settled.values().min().map(|settled_at| *settled_at + hold);
        (acks, next)
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
        self.window().received(tag);
    }

    /// A message is settled: it may be acknowledged.
    pub(crate) fn settled(&self, tag: u64) {
        self.window().settled(tag, Instant::now());
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

async fn send(channel: &Channel, acks: Acks) -> Result<(), BusError> {
    let unavailable = |error: lapin::Error| BusError::Unavailable(format!("cannot acknowledge: {error}"));
    if let Some(tag) = acks.up_to {
        channel.basic_ack(tag, BasicAckOptions { multiple: true }).await.map_err(unavailable)?;
    }
    for tag in acks.single {
        channel.basic_ack(tag, BasicAckOptions { multiple: false }).await.map_err(unavailable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOLD: Duration = Duration::from_millis(20);

    fn window(handling: &[u64]) -> AckWindow {
        let mut window = AckWindow::default();
        handling.iter().for_each(|tag| window.received(*tag));
        window
    }

    #[test]
    fn messages_settled_below_the_oldest_handled_are_acknowledged_in_one_ack() {
        let now = Instant::now();
        let mut window = window(&[1, 2, 3, 4, 5]);
        for tag in [2, 1, 3] {
            window.settled(tag, now);
        }
        let (acks, next) = window.take_due(now, HOLD);
        assert_eq!(acks, Acks { up_to: Some(3), single: vec![] });
        assert_eq!(next, None);
        assert_eq!(window.take_due(now, HOLD).0, Acks::default(), "each tag is acknowledged once");
    }

    #[test]
    fn a_message_settled_after_an_older_one_still_handled_waits_at_most_the_hold() {
        let now = Instant::now();
        let mut window = window(&[1, 2, 3]);
        window.settled(2, now);
        window.settled(3, now + Duration::from_millis(5));
        let (acks, next) = window.take_due(now, HOLD);
        assert_eq!(acks, Acks::default(), "1 is still being handled: no ack may cover it");
        assert_eq!(next, Some(now + HOLD));
        let (acks, next) = window.take_due(now + HOLD, HOLD);
        assert_eq!(acks, Acks { up_to: None, single: vec![2] });
        assert_eq!(next, Some(now + Duration::from_millis(5) + HOLD));
        window.settled(1, now + HOLD);
        let (acks, next) = window.take_due(now + HOLD, HOLD);
        assert_eq!(acks, Acks { up_to: Some(3), single: vec![] }, "1 and 3 together once 1 is settled");
        assert_eq!(next, None);
    }

    #[test]
    fn a_tag_never_received_is_never_acknowledged() {
        let now = Instant::now();
        let mut window = window(&[1]);
        window.settled(7, now);
        assert_eq!(window.take_due(now + HOLD, HOLD).0, Acks::default());
    }
}
