//! Parses every envelope a real deployment can put on the queue into one outbox event:
//! the Debezium CloudEvent (what the relay emits), the plain Debezium envelope with and without
//! `schema`, both layouts of the outbox row (Kaiten's `data` / `headers` / `occurred_at`, and the
//! earlier `payload` / `traceparent` / `created_at`), jsonb as an object or as a JSON-encoded string,
//! and the heartbeat CloudEvent (recognised, to be acknowledged and ignored).
//! Pure: bytes in, an event or a reason out; never panics.

use chrono::{DateTime, Utc};
use kaiten_domain::{EventCustomer, EventKind};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The `outbox_events` table and its columns, as the relay reads them and envelopes carry them; the
/// one spelling of them outside the migrations and the diesel schema (a test checks them against the
/// migrated table).
pub mod outbox_columns {
    pub const TABLE: &str = "outbox_events";
    pub const ID: &str = "id";
    pub const EVENT_NAME: &str = "event_name";
    pub const EVENT_TYPE: &str = "event_type";
    pub const DATA: &str = "data";
    pub const ORGANIZATION_ID: &str = "organization_id";
    pub const OCCURRED_AT: &str = "occurred_at";
    pub const HEADERS: &str = "headers";
    /// An update's fields before it (null for other events).
    pub const PREVIOUS_ATTRIBUTES: &str = "previous_attributes";
    /// The customer the event concerns (null for organization-wide events).
    pub const CUSTOMER_ID: &str = "customer_id";
    pub const CUSTOMER_SLUG: &str = "customer_slug";
    /// The earlier name of [`DATA`], still carried.
    pub const PAYLOAD: &str = "payload";
    /// The earlier name of [`OCCURRED_AT`], still carried.
    pub const CREATED_AT: &str = "created_at";
    /// The column of earlier builds that held the trace context (now inside [`HEADERS`]).
    pub const TRACEPARENT: &str = "traceparent";
    /// Every column of the table today.
    pub const CURRENT: [&str; 10] = [
        ID,
        EVENT_NAME,
        EVENT_TYPE,
        DATA,
        ORGANIZATION_ID,
        OCCURRED_AT,
        HEADERS,
        PREVIOUS_ATTRIBUTES,
        CUSTOMER_ID,
        CUSTOMER_SLUG,
    ];
    /// The columns that are never null, in today's layout and in the earlier one.
    pub const NEVER_NULL: [&str; 8] =
        [ID, EVENT_NAME, EVENT_TYPE, DATA, ORGANIZATION_ID, OCCURRED_AT, PAYLOAD, CREATED_AT];
}

use outbox_columns as column;

/// The CloudEvent type of a heartbeat.
pub const HEARTBEAT_TYPE: &str = "cloud.kaiten.cdc.heartbeat";

/// One committed outbox row, as carried by an envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct CdcEvent {
    pub outbox_id: Uuid,
    pub organization_id: Uuid,
    pub kind: EventKind,
    pub data: Value,
    pub traceparent: Option<String>,
    /// When the change happened: the row's `occurred_at` (`created_at`), its transaction's time as
    /// stored with it (what the event feed shows too); else, when the row carries none, the commit
    /// time the envelope gives (the CloudEvent's `time`, the change's `source.ts_ms` or `ts_ms`).
    pub happened_at: Option<DateTime<Utc>>,
    /// An update's fields before it (`previous_attributes`), when the row carries them.
    pub previous_attributes: Option<Value>,
    /// The customer the event concerns: the row's columns, else (rows written before them) its data.
    pub customer: Option<EventCustomer>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    Event(Box<CdcEvent>),
    Heartbeat,
}

/// Why an envelope can never be processed (it goes to the dead-letter queue with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EnvelopeError(pub String);

fn fail<T>(reason: impl Into<String>) -> Result<T, EnvelopeError> {
    Err(EnvelopeError(reason.into()))
}

/// Parses one message body.
pub fn parse(body: &[u8]) -> Result<Envelope, EnvelopeError> {
    let root = root_object(body)?;
    if root.get("type").and_then(Value::as_str) == Some(HEARTBEAT_TYPE) {
        return Ok(Envelope::Heartbeat);
    }
    let change = change_of(&root)?;
    if change.get("op").and_then(Value::as_str).is_some_and(|op| op != "c" && op != "r") {
        return fail("not an insert into the outbox (op is not `c`)");
    }
    // Read only for a row that carries no time of its own.
    let envelope_time = || envelope_time(&root, change);
    let after = match change.get("after") {
        Some(Value::Object(after)) => after,
        Some(Value::String(text)) => return parse_row(&decode_object(text, "after")?, envelope_time),
        Some(Value::Null) | None => return fail("the change has no `after` row"),
        Some(_) => return fail("`after` is not an object"),
    };
    parse_row(after, envelope_time)
}

/// Debezium's description of the row's columns: a few kilobytes of every envelope, never read.
const SCHEMA: &str = "schema";

/// The envelope's top-level object, without its `schema` members (at the top, and inside a CloudEvent's
/// `data`): they are scanned as raw JSON, never built into values. Anything that is not an object is
/// parsed whole, for the reason it is refused.
fn root_object(body: &[u8]) -> Result<Map<String, Value>, EnvelopeError> {
    let Ok(members) = serde_json::from_slice::<BTreeMap<String, &RawValue>>(body) else {
        return match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(root)) => Ok(root),
            Ok(_) => fail("the envelope is not a JSON object"),
            Err(e) => fail(format!("not JSON: {e}")),
        };
    };
    without_schema(members, true).map_err(|e| EnvelopeError(format!("not JSON: {e}")))
}

/// An object's members as values, but its `schema`; with `nested`, its `data` likewise when an object.
fn without_schema(members: BTreeMap<String, &RawValue>, nested: bool) -> serde_json::Result<Map<String, Value>> {
    let mut object = Map::new();
    for (key, raw) in members {
        let value = match key.as_str() {
            SCHEMA => continue,
            "data" if nested => match serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) {
                Ok(data) => Value::Object(without_schema(data, false)?),
                Err(_) => serde_json::from_str(raw.get())?,
            },
            _ => serde_json::from_str(raw.get())?,
        };
        object.insert(key, value);
    }
    Ok(object)
}

/// The CloudEvent's `time`, else the change's `source.ts_ms` or `ts_ms`.
fn envelope_time(root: &Map<String, Value>, change: &Map<String, Value>) -> Option<DateTime<Utc>> {
    let time = root.get("time").and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    if let Some(time) = time {
        return Some(time.with_timezone(&Utc));
    }
    let millis = change.get("source").and_then(|source| source.get("ts_ms")).or_else(|| change.get("ts_ms"));
    millis.and_then(Value::as_i64).and_then(DateTime::from_timestamp_millis)
}

/// A row's timestamp column, as Debezium writes it (RFC 3339) or as PostgreSQL prints it.
fn row_time(row: &Map<String, Value>) -> Option<DateTime<Utc>> {
    let text = row.get(column::OCCURRED_AT).or_else(|| row.get(column::CREATED_AT))?.as_str()?;
    let parsed =
        DateTime::parse_from_rfc3339(text).or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"));
    parsed.ok().map(|time| time.with_timezone(&Utc))
}

/// The object holding `before`/`after`: CloudEvent `data[.payload]`, or envelope `[payload]`.
fn change_of(root: &Map<String, Value>) -> Result<&Map<String, Value>, EnvelopeError> {
    let container = if root.contains_key("specversion") {
        match root.get("data") {
            Some(Value::Object(data)) => data,
            _ => return fail("the CloudEvent has no `data` object"),
        }
    } else {
        root
    };
    match container.get("payload") {
        Some(Value::Object(payload)) if payload.contains_key("after") => Ok(payload),
        _ if container.contains_key("after") => Ok(container),
        _ => fail("no Debezium change (`after`) in the envelope"),
    }
}

fn decode_object(text: &str, field: &str) -> Result<Map<String, Value>, EnvelopeError> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => fail(format!("`{field}` is not a JSON object")),
        Err(e) => fail(format!("`{field}` is not valid JSON: {e}")),
    }
}

fn text<'a>(row: &'a Map<String, Value>, column: &str) -> Result<&'a str, EnvelopeError> {
    match row.get(column) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => fail(format!("column `{column}` is not a string")),
        None => fail(format!("column `{column}` is missing")),
    }
}

fn uuid(row: &Map<String, Value>, column: &str) -> Result<Uuid, EnvelopeError> {
    let raw = text(row, column)?;
    raw.parse().map_err(|_| EnvelopeError(format!("column `{column}` is not a UUID: {raw:?}")))
}

fn parse_row(
    row: &Map<String, Value>,
    envelope_time: impl FnOnce() -> Option<DateTime<Utc>>,
) -> Result<Envelope, EnvelopeError> {
    let outbox_id = uuid(row, column::ID)?;
    let organization_id = uuid(row, column::ORGANIZATION_ID)?;
    let name = text(row, column::EVENT_NAME)?;
    let kind = EventKind::from_name(name).ok_or_else(|| EnvelopeError(format!("unknown event name `{name}`")))?;
    if let Some(Value::String(event_type)) = row.get(column::EVENT_TYPE)
        && event_type != kind.event_type()
    {
        return fail(format!("event type `{event_type}` does not match event name `{name}`"));
    }
    let data = match row.get(column::DATA).or_else(|| row.get(column::PAYLOAD)) {
        Some(Value::String(encoded)) => {
            serde_json::from_str(encoded).map_err(|e| EnvelopeError(format!("`data` is not valid JSON: {e}")))?
        }
        Some(Value::Null) | None => return fail("the row has no `data` (or `payload`) column"),
        Some(value) => value.clone(),
    };
    let traceparent = match row.get(column::TRACEPARENT) {
        Some(Value::String(traceparent)) => Some(traceparent.clone()),
        _ => traceparent_in_headers(row.get(column::HEADERS)),
    };
    let happened_at = row_time(row).or_else(envelope_time);
    let previous_attributes = match row.get(column::PREVIOUS_ATTRIBUTES) {
        Some(Value::String(encoded)) => Some(
            serde_json::from_str(encoded)
                .map_err(|e| EnvelopeError(format!("`{}` is not valid JSON: {e}", column::PREVIOUS_ATTRIBUTES)))?,
        ),
        Some(Value::Null) | None => None,
        Some(value) => Some(value.clone()),
    };
    let customer = match (row.get(column::CUSTOMER_ID), row.get(column::CUSTOMER_SLUG)) {
        (Some(Value::String(id)), Some(Value::String(slug))) => Some(EventCustomer {
            id: id.parse().map_err(|_| EnvelopeError(format!("column `{}` is not a UUID", column::CUSTOMER_ID)))?,
            slug: slug.clone(),
        }),
        _ => EventCustomer::of(kind, &data),
    };
    Ok(Envelope::Event(Box::new(CdcEvent {
        outbox_id,
        organization_id,
        kind,
        data,
        traceparent,
        happened_at,
        previous_attributes,
        customer,
    })))
}

/// `headers.traceparent`, with `headers` a JSON object or a JSON-encoded one (as Kaiten's consumers
/// read it). Headers that cannot be read carry no trace context; they never fail the event.
fn traceparent_in_headers(headers: Option<&Value>) -> Option<String> {
    let decoded;
    let headers = match headers? {
        Value::String(encoded) => {
            decoded = serde_json::from_str::<Value>(encoded).ok()?;
            &decoded
        }
        headers => headers,
    };
    headers.get("traceparent")?.as_str().map(str::to_owned)
}
