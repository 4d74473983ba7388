//! The operational events (`WEBHOOK_ENDPOINT_DISABLED`, `…_ENABLED`, `WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED`)
//! as SQL: each is an `INSERT INTO outbox_events` made by the very statement that disables, enables
//! or gives up, so the event exists exactly when the change committed, and travels the WAL, the
//! relay and the queue like every other event. The `data` they build is the shape of
//! `kaiten_domain::webhook_operational` (the end-to-end tests read it back into those types).

use kaiten_domain::EventKind;
use kaiten_domain::webhook_operational::DisableReason;

/// `expression` (a timestamptz) as the API writes instants: RFC 3339, UTC, milliseconds.
pub(crate) fn rfc3339(expression: &str) -> String {
    format!("to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
}

/// `reason` as an SQL literal.
pub(crate) fn reason(reason: DisableReason) -> String {
    format!("'{}'", reason.as_str())
}

/// An `INSERT` of one `kind` event per row of `rows`, a query whose columns are `organization_id`
/// and `data` (jsonb).
fn insert(kind: EventKind, rows: &str) -> String {
    use kaiten_application::envelope::outbox_columns::{DATA, EVENT_NAME, EVENT_TYPE, ID, ORGANIZATION_ID, TABLE};
    format!(
        "INSERT INTO {TABLE} ({ID}, {EVENT_NAME}, {EVENT_TYPE}, {DATA}, {ORGANIZATION_ID}) \
         SELECT gen_random_uuid(), '{}', '{}', r.data, r.organization_id FROM ({rows}) r RETURNING 1",
        kind.name(),
        kind.event_type()
    )
}

/// `WEBHOOK_ENDPOINT_DISABLED` for each row of `source` (columns `id`, `organization_id`, `url`,
/// `failing_since`) where `condition` holds; `reason` is an SQL expression of the row.
pub(crate) fn endpoint_disabled(source: &str, reason: &str, condition: &str) -> String {
    insert(
        EventKind::WebhookEndpointDisabled,
        &format!(
            "SELECT s.organization_id, jsonb_build_object('endpointId', s.id, 'url', s.url, 'reason', {reason}, \
               'failingSince', {}, 'disabledAt', {}) AS data FROM {source} s WHERE {condition}",
            rfc3339("s.failing_since"),
            rfc3339("now()")
        ),
    )
}

/// `WEBHOOK_ENDPOINT_ENABLED` for each row of `source` (columns `id`, `organization_id`, `url`)
/// where `condition` holds.
pub(crate) fn endpoint_enabled(source: &str, condition: &str) -> String {
    insert(
        EventKind::WebhookEndpointEnabled,
        &format!(
            "SELECT s.organization_id, jsonb_build_object('endpointId', s.id, 'url', s.url, 'enabledAt', {}) AS data \
             FROM {source} s WHERE {condition}",
            rfc3339("now()")
        ),
    )
}

/// `WEBHOOK_MESSAGE_ATTEMPT_EXHAUSTED` for each row of `source` (columns `message_id`, `endpoint_id`,
/// `attempt_id`, `attempt`, `code`, `at`), unless the message is a test or itself an operational
/// event (a failing receiver of operational events must not feed them to each other forever).
/// `messageId` is `webhook::webhook_message_id` spelled in SQL: `msg_` and the id's 32 hex digits.
pub(crate) fn message_attempt_exhausted(source: &str) -> String {
    insert(
        EventKind::WebhookMessageAttemptExhausted,
        &format!(
            "SELECT m.organization_id, jsonb_build_object('endpointId', e.id, 'url', e.url, 'eventId', m.id, \
               'messageId', 'msg_' || replace(m.id::text, '-', ''), 'eventName', m.event_name, \
               'eventType', m.event_type, 'attempts', x.attempt, 'lastAttempt', jsonb_build_object('id', \
               x.attempt_id::text, 'timestamp', {}, 'responseStatusCode', x.code)) AS data \
             FROM {source} x JOIN webhook_messages m ON m.id = x.message_id \
             JOIN webhook_endpoints e ON e.id = x.endpoint_id \
             WHERE NOT m.test AND m.about_endpoint_id IS NULL",
            rfc3339("x.at")
        ),
    )
}
