//! One attempt of one message to one endpoint: the signed request, and what its response means
//! (success on any 2xx; 410 disables the endpoint; anything else is retried on the schedule, a resend
//! never is). The response body is kept as it came: as text when it is UTF-8 without NUL characters,
//! otherwise in base64, so no reply can make an attempt unstorable.

use crate::ports::delivery::{AttemptRecord, Endpoint, NewMessage, NextStep, WebhookRequest, WebhookResponse};
use base64::Engine;
use chrono::{DateTime, Utc};
use kaiten_domain::webhook::{AttemptStatus, BodyEncoding, webhook_message_id};
use rand::Rng;
use std::time::Duration;
use uuid::Uuid;

pub(crate) fn request(message: &NewMessage, endpoint: &Endpoint, now: DateTime<Utc>) -> WebhookRequest {
    WebhookRequest {
        url: endpoint.url.clone(),
        message_id: webhook_message_id(message.id),
        timestamp: now,
        body: message.body.clone(),
        secrets: endpoint.signing_secrets(now),
        headers: endpoint
            .headers
            .iter()
            .filter_map(|header| Some((header.name.clone(), header.value.clone()?)))
            .collect(),
    }
}

/// A response body as stored and shown: the text itself, or its bytes in base64 when it is not text
/// PostgreSQL can hold (invalid UTF-8, or a NUL character). A character cut by the 20 KB cap at the
/// very end is dropped rather than turning a text reply into base64.
pub(crate) fn stored_body(bytes: &[u8]) -> (String, BodyEncoding) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) if error.error_len().is_none() => std::str::from_utf8(&bytes[..error.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(text) if !text.contains('\0') => (text.to_owned(), BodyEncoding::Text),
        _ => (base64::engine::general_purpose::STANDARD.encode(bytes), BodyEncoding::Base64),
    }
}

/// What one attempt was made as.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Made {
    /// Its number in the automatic chain (a resend carries the number it was asked with).
    pub(crate) attempt: u32,
    pub(crate) resend: bool,
    pub(crate) at: DateTime<Utc>,
}

/// The record of an attempt and what follows it: done, the next attempt's due time on the
/// schedule (`schedule[n - 1]` after attempt n, jittered), or the end of the chain.
pub(crate) fn judge(
    made: Made,
    message: &NewMessage,
    endpoint: &Endpoint,
    response: WebhookResponse,
    schedule: &[Duration],
    jitter: f64,
) -> (AttemptRecord, NextStep) {
    let success = response.status_code.is_some_and(|code| (200..300).contains(&code));
    let gone = response.status_code == Some(410);
    let (response_body, response_body_encoding) = stored_body(&response.body);
    let record = AttemptRecord {
        id: Uuid::now_v7(),
        organization_id: message.organization_id,
        message_id: message.id,
        endpoint_id: endpoint.id,
        url: endpoint.url.as_str().to_owned(),
        attempt: made.attempt,
        status: if success { AttemptStatus::Success } else { AttemptStatus::Fail },
        response_status_code: response.status_code,
        response_body,
        response_body_encoding,
        duration: response.duration,
        at: made.at,
        disable_endpoint: gone,
        pause_endpoint_until: None,
    };
    // A Retry-After postpones the endpoint (and this chain's next attempt) to at least then, but never
    // past the schedule's longest step.
    let longest = schedule.iter().max().copied().unwrap_or_default();
    let asked = response.retry_after.filter(|_| !success).map(|wait| wait.min(longest));
    let pause_until =
        asked.and_then(|wait| chrono::Duration::from_std(wait).ok()).and_then(|wait| made.at.checked_add_signed(wait));
    let record = AttemptRecord { pause_endpoint_until: pause_until, ..record };
    let next = if success {
        NextStep::Done
    } else if gone || made.resend {
        NextStep::GiveUp
    } else {
        usize::try_from(made.attempt)
            .ok()
            .and_then(|n| schedule.get(n.checked_sub(1)?))
            .and_then(|tier| chrono::Duration::from_std(jittered(*tier, jitter)).ok())
            .and_then(|delay| made.at.checked_add_signed(delay))
            .map(|due| pause_until.map_or(due, |paused| due.max(paused)))
            .map_or(NextStep::GiveUp, NextStep::RetryAt)
    };
    (record, next)
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
            customer_id: None,
            about_endpoint: None,
            body: "{}".into(),
        }
    }

    fn endpoint() -> Endpoint {
        crate::fixtures::endpoint("https://hooks.example.com")
    }

    fn answered(status: Option<u16>) -> WebhookResponse {
        WebhookResponse {
            status_code: status,
            body: Vec::new(),
            duration: Duration::from_millis(3),
            refused: false,
            retry_after: None,
        }
    }

    fn made(attempt: u32, resend: bool) -> Made {
        Made { attempt, resend, at: Utc::now() }
    }

    const SCHEDULE: [Duration; 2] = [Duration::from_secs(5), Duration::from_secs(300)];

    fn judged(made: Made, status: Option<u16>) -> (AttemptRecord, NextStep) {
        judge(made, &message(), &endpoint(), answered(status), &SCHEDULE, 0.0)
    }

    #[test]
    fn any_2xx_is_a_success_and_ends_the_chain() {
        for code in [200, 202, 204, 299] {
            let (record, next) = judged(made(1, false), Some(code));
            assert_eq!((record.status, next), (AttemptStatus::Success, NextStep::Done));
        }
    }

    #[test]
    fn failures_follow_the_schedule_then_stop() {
        let first = made(1, false);
        let (record, next) = judged(first, Some(500));
        assert_eq!(record.status, AttemptStatus::Fail);
        assert_eq!(next, NextStep::RetryAt(first.at + chrono::Duration::seconds(5)));
        let second = made(2, false);
        assert_eq!(judged(second, None).1, NextStep::RetryAt(second.at + chrono::Duration::seconds(300)));
        assert_eq!(judged(made(3, false), Some(302)).1, NextStep::GiveUp, "the schedule is exhausted");
    }

    #[test]
    fn gone_disables_and_a_failed_resend_is_not_retried() {
        let (record, next) = judged(made(1, false), Some(410));
        assert!(record.disable_endpoint);
        assert_eq!(next, NextStep::GiveUp);
        assert_eq!(judged(made(1, true), Some(500)).1, NextStep::GiveUp);
        assert_eq!(judged(made(1, true), Some(200)).1, NextStep::Done);
    }

    #[test]
    fn any_reply_is_storable_text_or_base64() {
        assert_eq!(stored_body(b"{\"ok\":true}"), ("{\"ok\":true}".to_owned(), BodyEncoding::Text));
        assert_eq!(stored_body(&[0x00, 0xff]), ("AP8=".to_owned(), BodyEncoding::Base64));
        assert_eq!(stored_body(b"a\0b"), ("YQBi".to_owned(), BodyEncoding::Base64), "NUL is not storable as text");
        assert_eq!(stored_body(&[0xc3, 0x28]).1, BodyEncoding::Base64, "invalid UTF-8");
        let cut = "é".repeat(3).into_bytes();
        assert_eq!(stored_body(&cut[..5]), ("éé".to_owned(), BodyEncoding::Text), "a character cut by the cap");
    }

    #[test]
    fn jitter_stays_within_its_band() {
        for _ in 0..200 {
            let delay = jittered(Duration::from_secs(100), 0.2);
            assert!(delay >= Duration::from_secs(80) && delay <= Duration::from_secs(120), "{delay:?}");
        }
        assert_eq!(jittered(Duration::from_secs(5), 0.0), Duration::from_secs(5));
    }

    #[test]
    fn a_retry_after_pauses_the_endpoint_and_the_chain_but_never_past_the_longest_step() {
        let schedule = [Duration::from_secs(1), Duration::from_secs(5)];
        let response =
            |wait: u64| WebhookResponse { retry_after: Some(Duration::from_secs(wait)), ..answered(Some(429)) };
        let made = made(1, false);
        let (record, next) = judge(made, &message(), &endpoint(), response(3), &schedule, 0.0);
        let paused = made.at + chrono::Duration::seconds(3);
        assert_eq!((record.pause_endpoint_until, next), (Some(paused), NextStep::RetryAt(paused)));
        let (record, _) = judge(made, &message(), &endpoint(), response(3600), &schedule, 0.0);
        assert_eq!(record.pause_endpoint_until, Some(made.at + chrono::Duration::seconds(5)), "capped at 5 s");
        let (record, next) = judge(made, &message(), &endpoint(), response(0), &schedule, 0.0);
        assert_eq!(next, NextStep::RetryAt(made.at + chrono::Duration::seconds(1)), "the schedule still applies");
        assert_eq!(record.pause_endpoint_until, Some(made.at));
    }
}
