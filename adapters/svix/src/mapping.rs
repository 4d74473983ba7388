//! Svix's models in the shapes of the webhook API, and back.

use kaiten_domain::EventKind;
use kaiten_domain::webhook::{
    AttemptStatus, BodyEncoding, DeliveryAttempt, EndpointRef, WebhookEndpoint, subscription_names,
};
use std::collections::BTreeSet;
use svix::models::{EndpointOut, MessageAttemptOut, MessageOut, MessageStatus};
use uuid::Uuid;

/// The longest response body kept on an attempt, in bytes.
pub(crate) const MAX_RESPONSE_BODY: usize = 20 * 1024;

/// The Svix application of an organization, addressed by its `uid`.
pub(crate) fn application_id(organization_id: Uuid) -> String {
    organization_id.to_string()
}

/// Svix ids (`ep_…`) and uids are short runs of letters, digits, `_`, `-` and `.`; anything else
/// cannot name an endpoint and is not sent to Svix.
pub(crate) fn is_plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 256 && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The catalog types of a subscription; `None` (no filter) means every event.
pub(crate) fn filter_types(events: &[EventKind]) -> Option<BTreeSet<String>> {
    (!events.is_empty()).then(|| events.iter().map(|kind| kind.event_type().to_owned()).collect())
}

/// An endpoint's `rateLimit` as Svix's `throttleRate` (deliveries a second; at most 10,000 < 65,535).
pub(crate) fn throttle_rate(rate: u32) -> Option<u16> {
    u16::try_from(rate).ok()
}

/// The catalog events of a Svix filter, in catalog order; types outside the catalog are left out.
fn subscribed_kinds(filter: Option<&BTreeSet<String>>) -> Vec<EventKind> {
    let Some(filter) = filter else { return Vec::new() };
    EventKind::all().filter(|kind| filter.contains(kind.event_type())).collect()
}

pub(crate) fn endpoint_from_svix(endpoint: EndpointOut, signing_secret: String) -> WebhookEndpoint {
    let (event_names, event_types) = subscription_names(&subscribed_kinds(endpoint.event_types.as_ref()));
    let scope = crate::channels::scope_of(endpoint.channels.as_ref());
    WebhookEndpoint {
        id: EndpointRef::new(endpoint.id),
        url: endpoint.url,
        event_names,
        event_types,
        description: endpoint.description,
        disabled: endpoint.disabled.unwrap_or(false),
        customer_ids: scope.customers,
        include_organization_events: scope.include_organization_events,
        deleted_customer_ids: Vec::new(),
        headers: crate::headers::recorded(&endpoint.metadata),
        rate_limit: endpoint.throttle_rate.map(u32::from),
        signing_secret,
        created_at: endpoint.created_at,
        updated_at: endpoint.updated_at,
    }
}

/// Whether an operational message of `event_type` about the endpoint `about` goes to this endpoint:
/// it is enabled, names the type (a filter of every event does not), gets organization-wide events,
/// and is not the endpoint the message is about.
pub(crate) fn receives_operational(endpoint: &EndpointOut, event_type: &str, about: Option<&str>) -> bool {
    endpoint.disabled != Some(true)
        && endpoint.event_types.as_ref().is_some_and(|types| types.contains(event_type))
        && crate::channels::gets_organization_events(endpoint.channels.as_ref())
        && about != Some(endpoint.id.as_str())
}

/// The endpoint an operational message is about (its payload's `data.endpointId`).
pub(crate) fn about_endpoint(message: &MessageOut) -> Option<&str> {
    EventKind::from_type(&message.event_type).filter(|kind| kind.is_operational())?;
    message.payload.get("data")?.get("endpointId")?.as_str()
}

/// Whether Svix delivers a message of `event_type` on `channels` to this endpoint.
pub(crate) fn receives(endpoint: &EndpointOut, event_type: &str, channels: Option<&BTreeSet<String>>) -> bool {
    let type_matches = endpoint.event_types.as_ref().is_none_or(|types| types.is_empty() || types.contains(event_type));
    let channel_matches = endpoint.channels.as_ref().is_none_or(|wanted| {
        wanted.is_empty() || channels.is_some_and(|channels| channels.iter().any(|channel| wanted.contains(channel)))
    });
    type_matches && channel_matches
}

pub(crate) fn svix_status(status: AttemptStatus) -> MessageStatus {
    match status {
        AttemptStatus::Success => MessageStatus::Success,
        AttemptStatus::Pending => MessageStatus::Pending,
        AttemptStatus::Fail => MessageStatus::Fail,
        AttemptStatus::Sending => MessageStatus::Sending,
    }
}

/// A canceled attempt (the endpoint was disabled or deleted meanwhile) did not deliver: `fail`.
fn attempt_status(status: MessageStatus) -> AttemptStatus {
    match status {
        MessageStatus::Success => AttemptStatus::Success,
        MessageStatus::Pending => AttemptStatus::Pending,
        MessageStatus::Fail | MessageStatus::Canceled => AttemptStatus::Fail,
        MessageStatus::Sending => AttemptStatus::Sending,
    }
}

/// At most `max` bytes of `text`, cut on a character boundary.
pub(crate) fn truncated(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// The catalog name of a type, or the type itself when it is not in the catalog.
pub(crate) fn event_name(event_type: &str) -> String {
    EventKind::from_type(event_type).map_or_else(|| event_type.to_owned(), |kind| kind.name().to_owned())
}

/// The Kaiten event id of a Svix `eventId`: an operational event sent as several messages has
/// `<id>.2`, `<id>.3`, … after the first (see `operational_delivery`).
pub(crate) fn kaiten_event_id(svix_event_id: &str) -> &str {
    match svix_event_id.split_once('.') {
        Some((id, n)) if Uuid::parse_str(id).is_ok() && n.parse::<u16>().is_ok() => id,
        _ => svix_event_id,
    }
}

/// One attempt; the message comes with the attempt (`with_msg`) or from the caller.
pub(crate) fn attempt_from_svix(attempt: MessageAttemptOut, message: Option<&MessageOut>) -> DeliveryAttempt {
    let message = attempt.msg.as_ref().or(message);
    let event_id = message
        .and_then(|message| message.event_id.as_deref())
        .map_or_else(|| attempt.msg_id.clone(), |id| kaiten_event_id(id).to_owned());
    let event_type = message.map(|message| message.event_type.clone()).unwrap_or_default();
    DeliveryAttempt {
        id: attempt.id,
        event_id,
        message_id: attempt.msg_id,
        endpoint_id: EndpointRef::new(attempt.endpoint_id),
        url: attempt.url,
        event_name: event_name(&event_type),
        event_type,
        status: attempt_status(attempt.status),
        // Svix records 0 when no response came back (connection refused, timeout, …).
        response_status_code: (attempt.response_status_code != 0).then_some(i32::from(attempt.response_status_code)),
        response_body: truncated(attempt.response, MAX_RESPONSE_BODY),
        response_body_encoding: BodyEncoding::Text,
        duration_ms: attempt.response_duration_ms,
        timestamp: attempt.timestamp,
        test: message.is_some_and(is_test),
    }
}

/// A test send's message: its body says so.
pub(crate) fn is_test(message: &MessageOut) -> bool {
    message.payload.get("test") == Some(&serde_json::Value::Bool(true))
}

/// Newest first; equal timestamps by id, newest (largest KSUID) first.
pub(crate) fn sort_newest_first(attempts: &mut [MessageAttemptOut]) {
    attempts.sort_by(|a, b| b.timestamp.cmp(&a.timestamp).then_with(|| b.id.cmp(&a.id)));
}

/// A page bound as a length (negative bounds never pass `Page::parse`; they read as 0).
pub(crate) fn to_len(bound: i64) -> usize {
    usize::try_from(bound).unwrap_or(0)
}

pub(crate) fn to_total(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncated("abcdef".into(), 4), "abcd");
        assert_eq!(truncated("aé".into(), 2), "a");
        assert_eq!(truncated("short".into(), 100), "short");
    }

    #[test]
    fn a_later_message_of_an_operational_event_names_its_event() {
        let id = Uuid::now_v7().to_string();
        assert_eq!(kaiten_event_id(&format!("{id}.2")), id);
        assert_eq!(kaiten_event_id(&id), id);
        assert_eq!(kaiten_event_id("order.2"), "order.2", "not ours: left as it is");
    }

    #[test]
    fn only_id_shaped_strings_are_plausible() {
        assert!(is_plausible_id("ep_2aBcD3"));
        assert!(is_plausible_id("my-endpoint.v1"));
        for id in ["", "a/b", "ep 1", "..%2F", &"x".repeat(257)] {
            assert!(!is_plausible_id(id), "{id}");
        }
    }

    #[test]
    fn filters_name_catalog_types_and_empty_means_every_event() {
        assert_eq!(filter_types(&[]), None);
        let types = filter_types(&[EventKind::CustomerCreation]).unwrap_or_default();
        assert_eq!(types.into_iter().collect::<Vec<_>>(), vec!["com.kaiten.customer.v1.created"]);
    }
}
