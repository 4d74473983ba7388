//! One attempt of one message to one endpoint: the signed request, and what its response means
//! (success on any 2xx; 410 disables the endpoint; anything else is retried on the schedule).

use crate::ports::delivery::{
    AttemptRecord, DeliveryTask, NewMessage, StoredEndpoint, WebhookRequest, WebhookResponse,
};
use chrono::{DateTime, Utc};
use kaiten_domain::webhook::{AttemptStatus, webhook_message_id};
use rand::Rng;
use std::time::Duration;
use uuid::Uuid;

pub(crate) fn request(message: &NewMessage, endpoint: &StoredEndpoint, now: DateTime<Utc>) -> WebhookRequest {
    WebhookRequest {
        url: endpoint.url.clone(),
        message_id: webhook_message_id(message.id),
        timestamp: now,
        body: message.body.clone(),
        secrets: endpoint.signing_secrets(now),
    }
}

/// The record of an attempt and, when it failed and the schedule allows, the next one.
pub(crate) struct Judged {
    pub(crate) record: AttemptRecord,
    pub(crate) retry: Option<(DeliveryTask, Duration)>,
}

pub(crate) fn judge(
    task: DeliveryTask,
    message: &NewMessage,
    endpoint: &StoredEndpoint,
    response: WebhookResponse,
    at: DateTime<Utc>,
    schedule: &[Duration],
) -> Judged {
    let success = response.status_code.is_some_and(|code| (200..300).contains(&code));
    let gone = response.status_code == Some(410);
    let record = AttemptRecord {
        id: Uuid::now_v7(),
        organization_id: message.organization_id,
        message_id: message.id,
        endpoint_id: endpoint.id,
        url: endpoint.url.clone(),
        attempt: task.attempt,
        status: if success { AttemptStatus::Success } else { AttemptStatus::Fail },
        response_status_code: response.status_code,
        response_body: response.body,
        duration: response.duration,
        at,
        disable_endpoint: gone,
    };
    let retry = if success || gone || task.resend {
        None
    } else {
        // Attempt n failed: attempt n + 1 waits schedule[n - 1].
        usize::try_from(task.attempt)
            .ok()
            .and_then(|n| schedule.get(n.checked_sub(1)?))
            .map(|tier| (DeliveryTask { attempt: task.attempt + 1, ..task }, *tier))
    };
    Judged { record, retry }
}

/// `tier` ± `jitter` (a fraction, 0.2 = ±20 %).
pub(crate) fn jittered(tier: Duration, jitter: f64) -> Duration {
    if jitter <= 0.0 || tier.is_zero() {
        return tier;
    }
    let factor = rand::rng().random_range((1.0 - jitter)..=(1.0 + jitter));
    tier.mul_f64(factor.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_domain::EventKind;

    fn message() -> NewMessage {
        NewMessage {
            id: Uuid::now_v7(),
            organization_id: Uuid::now_v7(),
            kind: EventKind::CustomerCreation,
            body: "{}".into(),
        }
    }

    fn endpoint() -> StoredEndpoint {
        StoredEndpoint {
            id: Uuid::now_v7(),
            organization_id: Uuid::now_v7(),
            url: "https://hooks.example.com".into(),
            description: String::new(),
            events: vec![],
            disabled: false,
            secret: "whsec_a".into(),
            previous_secret: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn answered(status: Option<u16>) -> WebhookResponse {
        WebhookResponse { status_code: status, body: String::new(), duration: Duration::from_millis(3), refused: false }
    }

    fn task(attempt: u32, resend: bool) -> DeliveryTask {
        DeliveryTask { message_id: Uuid::now_v7(), endpoint_id: Uuid::now_v7(), attempt, resend }
    }

    const SCHEDULE: [Duration; 2] = [Duration::from_secs(5), Duration::from_secs(300)];

    #[test]
    fn any_2xx_is_a_success_without_retry() {
        for code in [200, 202, 204, 299] {
            let judged = judge(task(1, false), &message(), &endpoint(), answered(Some(code)), Utc::now(), &SCHEDULE);
            assert_eq!(judged.record.status, AttemptStatus::Success);
            assert!(judged.retry.is_none());
        }
    }

    #[test]
    fn failures_follow_the_schedule_then_stop() {
        let first = judge(task(1, false), &message(), &endpoint(), answered(Some(500)), Utc::now(), &SCHEDULE);
        assert_eq!(first.record.status, AttemptStatus::Fail);
        assert_eq!(first.retry.map(|(next, tier)| (next.attempt, tier)), Some((2, SCHEDULE[0])));
        let second = judge(task(2, false), &message(), &endpoint(), answered(None), Utc::now(), &SCHEDULE);
        assert_eq!(second.retry.map(|(next, tier)| (next.attempt, tier)), Some((3, SCHEDULE[1])));
        let last = judge(task(3, false), &message(), &endpoint(), answered(Some(302)), Utc::now(), &SCHEDULE);
        assert!(last.retry.is_none(), "the schedule is exhausted");
    }

    #[test]
    fn gone_disables_and_a_resend_is_not_retried() {
        let gone = judge(task(1, false), &message(), &endpoint(), answered(Some(410)), Utc::now(), &SCHEDULE);
        assert!(gone.record.disable_endpoint && gone.retry.is_none());
        let resent = judge(task(1, true), &message(), &endpoint(), answered(Some(500)), Utc::now(), &SCHEDULE);
        assert!(resent.retry.is_none());
    }

    #[test]
    fn jitter_stays_within_its_band() {
        for _ in 0..200 {
            let delay = jittered(Duration::from_secs(100), 0.2);
            assert!(delay >= Duration::from_secs(80) && delay <= Duration::from_secs(120), "{delay:?}");
        }
        assert_eq!(jittered(Duration::from_secs(5), 0.0), Duration::from_secs(5));
    }
}
