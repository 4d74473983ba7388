//! An endpoint's `rateLimit`, for every worker at once: each send takes the next free slot of the
//! endpoint (one every `1 / rate` second) from the store, which hands them out in order to every
//! process (a GCRA with no burst, kept in the endpoint's row). A slot within the in-process wait
//! is waited for here; a later one is kept by the delivery, which is deferred to it like a delivery
//! to a paused endpoint and made then without reserving again. So deliveries beyond the limit wait
//! their turn instead of failing, and each costs one reservation however long it waits.

use crate::ports::delivery::{Endpoint, WebhookStore};
use chrono::{DateTime, Utc};
use kaiten_application::ports::timer::Timer;
use kaiten_domain::clock;
use std::time::Duration;

/// Why an attempt is not made now, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deferral {
    pub(crate) due: DateTime<Utc>,
    /// The send slot the delivery keeps for then.
    pub(crate) rate_slot: Option<DateTime<Utc>>,
}

impl Deferral {
    pub(crate) fn to(due: DateTime<Utc>) -> Self {
        Self { due, rate_slot: None }
    }
}

/// Returns when the endpoint's rate limit lets a delivery go (at once without a limit), or defers it
/// to its slot: the one it holds (`reserved`) if that is not past by more than one spacing, else a
/// new one. `wait` is the longest it waits here;
/// without a timer it waits for nothing. A store that cannot answer defers it by `retry`.
pub(crate) async fn await_send_slot(
    store: &dyn WebhookStore,
    timer: Option<&dyn Timer>,
    endpoint: &Endpoint,
    reserved: Option<DateTime<Utc>>,
    wait: Duration,
    retry: Duration,
) -> Result<(), Deferral> {
    let Some(rate) = endpoint.rate_limit else { return Ok(()) };
    let spacing = chrono::Duration::microseconds(1_000_000 / i64::from(rate.max(1)));
    // A held slot counts only while it is due: one handed back late (a backlog, a restart, an
    // outage) takes a new one, so late deliveries never go out together.
    let slot = match reserved.filter(|slot| *slot + spacing >= clock::now()) {
        Some(slot) => slot,
        None => match store.reserve_send(endpoint.id, rate).await {
            Ok(until) => clock::now() + chrono::Duration::from_std(until).unwrap_or_default(),
            Err(error) => {
                tracing::warn!(endpoint = %endpoint.id, %error, "no send slot could be reserved: the delivery is deferred");
                return Err(Deferral::to(clock::now() + chrono::Duration::from_std(retry).unwrap_or_default()));
            }
        },
    };
    let until = (slot - clock::now()).to_std().unwrap_or_default();
    if until.is_zero() {
        return Ok(());
    }
    match timer {
        Some(timer) if until <= wait => {
            timer.sleep(until).await;
            Ok(())
        }
        _ => Err(Deferral { due: slot, rate_slot: Some(slot) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::delivery::MockWebhookStore;
    use futures::executor::block_on;
    use kaiten_application::ports::timer::MockTimer;

    fn endpoint(rate_limit: Option<u32>) -> Endpoint {
        Endpoint { rate_limit, ..crate::fixtures::endpoint("https://hooks.example.com") }
    }

    const WAIT: Duration = Duration::from_millis(250);

    #[test]
    fn a_slot_within_the_wait_is_waited_for_and_a_later_one_kept_by_the_deferral() {
        let mut store = MockWebhookStore::new();
        let mut waits = [Duration::from_millis(100), Duration::from_secs(3)].into_iter();
        store.expect_reserve_send().times(2).returning(move |_, rate| {
            assert_eq!(rate, 5);
            Ok(waits.next().unwrap_or_default())
        });
        let mut timer = MockTimer::new();
        timer.expect_sleep().withf(|slept| *slept <= Duration::from_millis(100)).times(1).returning(|_| ());
        let limited = endpoint(Some(5));
        let now = block_on(await_send_slot(&store, Some(&timer), &limited, None, WAIT, WAIT));
        assert_eq!(now, Ok(()));
        let later = block_on(await_send_slot(&store, Some(&timer), &limited, None, WAIT, WAIT));
        let deferral = later.err().unwrap_or(Deferral::to(Utc::now()));
        assert_eq!(Some(deferral.due), deferral.rate_slot, "deferred to its slot, which it keeps");
        assert!(deferral.due > Utc::now() + chrono::Duration::seconds(2));
    }

    #[test]
    fn a_kept_slot_is_not_reserved_again_and_an_unlimited_endpoint_reserves_nothing() {
        let mut store = MockWebhookStore::new();
        store.expect_reserve_send().never();
        let timer = MockTimer::new();
        let past = Utc::now() - chrono::Duration::milliseconds(5);
        assert_eq!(block_on(await_send_slot(&store, Some(&timer), &endpoint(Some(1)), Some(past), WAIT, WAIT)), Ok(()));
        assert_eq!(block_on(await_send_slot(&store, Some(&timer), &endpoint(None), None, WAIT, WAIT)), Ok(()));
    }

    #[test]
    fn a_held_slot_handed_back_late_is_given_up_for_a_new_one() {
        let mut store = MockWebhookStore::new();
        store.expect_reserve_send().times(1).returning(|_, _| Ok(Duration::from_secs(4)));
        let late = Utc::now() - chrono::Duration::seconds(30);
        let deferred =
            block_on(await_send_slot(&store, Some(&MockTimer::new()), &endpoint(Some(2)), Some(late), WAIT, WAIT));
        assert!(deferred.is_err_and(|deferral| deferral.rate_slot.is_some_and(|slot| slot > Utc::now())));
    }

    #[test]
    fn a_store_that_cannot_reserve_defers_the_delivery_without_a_slot() {
        let mut store = MockWebhookStore::new();
        store
            .expect_reserve_send()
            .returning(|_, _| Err(kaiten_application::error::RepoError::Unavailable("down".into())));
        let deferred = block_on(await_send_slot(&store, None, &endpoint(Some(5)), None, WAIT, Duration::from_secs(1)));
        assert!(deferred.is_err_and(|deferral| deferral.rate_slot.is_none()));
    }
}
