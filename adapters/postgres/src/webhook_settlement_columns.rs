//! A batch of settlements as the columns of the settling statement ([`crate::webhook_settlement`]):
//! the attempts to record, the deliveries' moves, the messages whose first attempts are done, the
//! endpoints' streaks and the deliveries whose retries ran out.

use chrono::{DateTime, Utc};
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::{AttemptRecord, Lease, NextStep, Settlement};
use kaiten_domain::webhook::AttemptStatus;
use uuid::Uuid;

/// The deliveries that gave up after their last scheduled attempt (not after a 410, which disables
/// the endpoint, nor a resend, which is outside the chain), with that attempt: each is reported as
/// `WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED` if its move applies.
#[derive(Default)]
pub(crate) struct Exhausted {
    pub(crate) message_id: Vec<Uuid>,
    pub(crate) endpoint_id: Vec<Uuid>,
    pub(crate) attempt_id: Vec<Uuid>,
    pub(crate) attempt: Vec<i32>,
    pub(crate) code: Vec<Option<i32>>,
    pub(crate) at: Vec<DateTime<Utc>>,
}

impl Exhausted {
    pub(crate) fn of(settlements: &[Settlement]) -> Self {
        let mut exhausted = Self::default();
        for settlement in settlements.iter().filter(|s| s.lease.is_some() && s.next == NextStep::GiveUp) {
            let Some(attempt) = settlement.attempt.as_ref().filter(|a| !a.disable_endpoint) else { continue };
            exhausted.message_id.push(settlement.message_id);
            exhausted.endpoint_id.push(settlement.endpoint_id.as_uuid());
            exhausted.attempt_id.push(attempt.id);
            exhausted.attempt.push(i32::try_from(attempt.attempt).unwrap_or(i32::MAX));
            exhausted.code.push(attempt.response_status_code.map(i32::from));
            exhausted.at.push(attempt.at);
        }
        exhausted
    }
}

/// The attempts as columns, inserted in one statement.
pub(crate) struct AttemptColumns {
    pub(crate) id: Vec<Uuid>,
    pub(crate) organization_id: Vec<Uuid>,
    pub(crate) message_id: Vec<Uuid>,
    pub(crate) endpoint_id: Vec<Uuid>,
    pub(crate) url: Vec<String>,
    pub(crate) attempt: Vec<i32>,
    pub(crate) status: Vec<String>,
    pub(crate) code: Vec<Option<i32>>,
    pub(crate) body: Vec<String>,
    pub(crate) encoding: Vec<String>,
    pub(crate) duration_ms: Vec<i64>,
    pub(crate) at: Vec<DateTime<Utc>>,
}

impl AttemptColumns {
    pub(crate) fn of(records: &[&AttemptRecord]) -> Self {
        Self {
            id: records.iter().map(|r| r.id).collect(),
            organization_id: records.iter().map(|r| r.organization_id).collect(),
            message_id: records.iter().map(|r| r.message_id).collect(),
            endpoint_id: records.iter().map(|r| r.endpoint_id.as_uuid()).collect(),
            url: records.iter().map(|r| r.url.clone()).collect(),
            attempt: records.iter().map(|r| i32::try_from(r.attempt).unwrap_or(i32::MAX)).collect(),
            status: records.iter().map(|r| r.status.as_str().to_owned()).collect(),
            code: records.iter().map(|r| r.response_status_code.map(i32::from)).collect(),
            body: records.iter().map(|r| r.response_body.clone()).collect(),
            encoding: records.iter().map(|r| r.response_body_encoding.as_str().to_owned()).collect(),
            duration_ms: records.iter().map(|r| i64::try_from(r.duration.as_millis()).unwrap_or(i64::MAX)).collect(),
            at: records.iter().map(|r| r.at).collect(),
        }
    }
}

/// How each claimed delivery moves on, as columns: applied only where the claim is still the row's.
pub(crate) struct Moves {
    pub(crate) message_id: Vec<Uuid>,
    pub(crate) endpoint_id: Vec<Uuid>,
    pub(crate) lease: Vec<Uuid>,
    pub(crate) state: Vec<String>,
    /// The automatic attempts made so far (unchanged by a deferral).
    pub(crate) attempts: Vec<Option<i32>>,
    pub(crate) next_attempt_at: Vec<Option<DateTime<Utc>>>,
}

/// The messages whose first attempts are settled, with the claims they were made under.
#[derive(Default)]
pub(crate) struct FirstAttempts {
    pub(crate) message_id: Vec<Uuid>,
    pub(crate) lease: Vec<Uuid>,
}

impl Moves {
    /// The settlements made under the claims `lease` picks.
    pub(crate) fn of(settlements: &[Settlement], lease: impl Fn(Lease) -> Option<Uuid>) -> Self {
        let mut moves = Self {
            message_id: Vec::new(),
            endpoint_id: Vec::new(),
            lease: Vec::new(),
            state: Vec::new(),
            attempts: Vec::new(),
            next_attempt_at: Vec::new(),
        };
        for settlement in settlements {
            let Some(lease) = settlement.lease.and_then(&lease) else { continue };
            let (state, next) = match settlement.next {
                NextStep::Done => ("succeeded", None),
                NextStep::GiveUp => ("failed", None),
                NextStep::RetryAt(at) | NextStep::DeferredTo(at) => ("pending", Some(at)),
            };
            moves.message_id.push(settlement.message_id);
            moves.endpoint_id.push(settlement.endpoint_id.as_uuid());
            moves.lease.push(lease);
            moves.state.push(state.to_owned());
            moves.attempts.push(settlement.attempt.as_ref().map(|a| i32::try_from(a.attempt).unwrap_or(i32::MAX)));
            moves.next_attempt_at.push(next);
        }
        moves
    }

    /// Without the deliveries that succeeded (a first attempt that succeeded starts no chain).
    pub(crate) fn without_done(self) -> Self {
        fn pick<T>(values: Vec<T>, keep: &[bool]) -> Vec<T> {
            values.into_iter().zip(keep).filter(|(_, keep)| **keep).map(|(value, _)| value).collect()
        }
        let keep: Vec<bool> = self.state.iter().map(|state| state != "succeeded").collect();
        Self {
            message_id: pick(self.message_id, &keep),
            endpoint_id: pick(self.endpoint_id, &keep),
            lease: pick(self.lease, &keep),
            state: pick(self.state, &keep),
            attempts: pick(self.attempts, &keep),
            next_attempt_at: pick(self.next_attempt_at, &keep),
        }
    }
}

/// The endpoints whose failing streak ends, goes on or starts.
pub(crate) struct Streaks {
    pub(crate) succeeded: Vec<Uuid>,
    pub(crate) failed: Vec<Uuid>,
    pub(crate) gone: Vec<Uuid>,
}

impl Streaks {
    /// Each endpoint once, by its latest attempt of the batch (a batch may hold several attempts to
    /// one endpoint): succeeded clears its failing streak, failed starts or extends it; a 410 Gone
    /// anywhere in the batch disables it.
    pub(crate) fn of(attempts: &[&AttemptRecord]) -> Self {
        let mut latest: std::collections::HashMap<EndpointId, &AttemptRecord> = std::collections::HashMap::new();
        for attempt in attempts {
            let entry = latest.entry(attempt.endpoint_id).or_insert(attempt);
            if attempt.at >= entry.at {
                *entry = attempt;
            }
        }
        let gone: Vec<Uuid> = attempts.iter().filter(|a| a.disable_endpoint).map(|a| a.endpoint_id.as_uuid()).collect();
        let (succeeded, failed): (Vec<&AttemptRecord>, Vec<&AttemptRecord>) = latest
            .into_values()
            .partition(|a| a.status == AttemptStatus::Success && !gone.contains(&a.endpoint_id.as_uuid()));
        Self {
            succeeded: succeeded.iter().map(|a| a.endpoint_id.as_uuid()).collect(),
            failed: failed.iter().map(|a| a.endpoint_id.as_uuid()).collect(),
            gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_domain::webhook::BodyEncoding;

    fn attempt(endpoint: u128, status: AttemptStatus, seconds: i64, gone: bool) -> AttemptRecord {
        AttemptRecord {
            id: Uuid::now_v7(),
            organization_id: Uuid::nil(),
            message_id: Uuid::now_v7(),
            endpoint_id: EndpointId::new(Uuid::from_u128(endpoint)),
            url: String::new(),
            attempt: 1,
            status,
            response_status_code: None,
            response_body: String::new(),
            response_body_encoding: BodyEncoding::Text,
            duration: std::time::Duration::ZERO,
            at: DateTime::<Utc>::UNIX_EPOCH + chrono::TimeDelta::seconds(seconds),
            disable_endpoint: gone,
            pause_endpoint_until: None,
        }
    }

    #[test]
    fn an_endpoint_attempted_several_times_in_a_batch_counts_its_latest_outcome() {
        let records = [
            attempt(1, AttemptStatus::Fail, 1, false),
            attempt(1, AttemptStatus::Success, 2, false),
            attempt(2, AttemptStatus::Success, 1, false),
            attempt(2, AttemptStatus::Fail, 2, false),
            attempt(3, AttemptStatus::Success, 2, false),
            attempt(3, AttemptStatus::Fail, 1, true),
        ];
        let streaks = Streaks::of(&records.iter().collect::<Vec<_>>());
        assert_eq!(streaks.succeeded, [Uuid::from_u128(1)]);
        let mut failed = streaks.failed.clone();
        failed.sort();
        assert_eq!(failed, [Uuid::from_u128(2), Uuid::from_u128(3)], "a 410 in the batch disables whatever came after");
        assert_eq!(streaks.gone, [Uuid::from_u128(3)]);
    }
}
