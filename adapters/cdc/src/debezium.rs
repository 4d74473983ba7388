//! The one serializer of relay messages: Debezium Server's CloudEvents output
//! (`debezium.format.value=cloudevents`, JSON data with schema) for an insert into the raw
//! `outbox_events` table, kept byte-compatible on purpose — jsonb as JSON-encoded strings, uuids and
//! timestamps as strings, int64 extension values as strings.

use crate::pgoutput::{Column, PG_EPOCH_OFFSET_MICROS, Value};
use chrono::{DateTime, SecondsFormat, Utc};
use kaiten_application::envelope::outbox_columns as column;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::json;
use serde_json::value::RawValue;

const UUID_OID: u32 = 2950;
const JSONB_OID: u32 = 3802;
const JSON_OID: u32 = 114;
const TIMESTAMPTZ_OID: u32 = 1184;

/// Columns of `outbox_events` that can never be null, in either layout of the table.
const REQUIRED_COLUMNS: [&str; 8] = column::NEVER_NULL;

/// The W3C trace-context keys of a row's `headers` that travel as AMQP headers.
const TRACE_HEADERS: [&str; 2] = ["traceparent", "tracestate"];

/// Where a change was read from, as Debezium names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSource {
    /// The logical server name (Debezium's `topic.prefix`): `kaiten`.
    pub server_name: String,
    /// The PostgreSQL database.
    pub database: String,
    pub schema: String,
    pub table: String,
}

/// The position of one inserted row in the WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangePosition {
    /// LSN of the row's own WAL record.
    pub lsn: u64,
    /// The commit LSN of its transaction.
    pub commit_lsn: u64,
    pub xid: u32,
    /// Commit time in microseconds since PostgreSQL's epoch (2000-01-01).
    pub commit_time_micros: i64,
}

/// One inserted row: its columns (from the Relation message) and values (from the Insert message).
pub struct InsertedRow<'a> {
    pub columns: &'a [Column],
    pub values: &'a [Value],
}

impl InsertedRow<'_> {
    /// The text value of a column, when present.
    pub fn text(&self, name: &str) -> Option<&str> {
        let index = self.columns.iter().position(|c| c.name == name)?;
        match self.values.get(index)? {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The message's AMQP headers: the W3C trace context from the row's `headers` object (or from the
    /// `traceparent` column of earlier builds). Headers that are not a JSON object are ignored.
    pub fn trace_headers(&self) -> Vec<(String, String)> {
        if let Some(traceparent) = self.text(column::TRACEPARENT) {
            return vec![("traceparent".to_owned(), traceparent.to_owned())];
        }
        let Some(Ok(serde_json::Value::Object(headers))) = self.text(column::HEADERS).map(serde_json::from_str) else {
            return Vec::new();
        };
        TRACE_HEADERS
            .iter()
            .filter_map(|key| headers.get(*key)?.as_str().map(|value| ((*key).to_owned(), value.to_owned())))
            .collect()
    }
}

/// The `after` image: columns in table order, each converted as Debezium converts it.
struct After<'a>(&'a InsertedRow<'a>);

impl Serialize for After<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.0;
        let mut map = serializer.serialize_map(Some(row.columns.len()))?;
        for (column, value) in row.columns.iter().zip(row.values) {
            match value {
                Value::Text(text) if column.type_oid == TIMESTAMPTZ_OID => {
                    map.serialize_entry(&column.name, &iso_timestamp(text))?
                }
                Value::Text(text) => map.serialize_entry(&column.name, text)?,
                Value::Null | Value::Unchanged => map.serialize_entry(&column.name, &serde_json::Value::Null)?,
                Value::Binary(bytes) => map.serialize_entry(&column.name, &String::from_utf8_lossy(bytes))?,
            }
        }
        map.end()
    }
}

/// PostgreSQL's text timestamp (`2026-09-01 12:00:00.123456+00`) as Debezium's ZonedTimestamp
/// (`2026-09-01T12:00:00.123456Z`); left as it is when it cannot be parsed.
fn iso_timestamp(text: &str) -> String {
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z")
        .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|_| text.to_owned())
}

fn field_schema(column: &Column) -> serde_json::Value {
    let optional = !REQUIRED_COLUMNS.contains(&column.name.as_str());
    let semantic = match column.type_oid {
        UUID_OID => Some("io.debezium.data.Uuid"),
        JSONB_OID | JSON_OID => Some("io.debezium.data.Json"),
        TIMESTAMPTZ_OID => Some("io.debezium.time.ZonedTimestamp"),
        _ => None,
    };
    match semantic {
        Some(name) => {
            json!({"type": "string", "optional": optional, "name": name, "version": 1, "field": column.name})
        }
        None => json!({"type": "string", "optional": optional, "field": column.name}),
    }
}

#[derive(Serialize)]
struct Payload<'a> {
    before: Option<()>,
    after: After<'a>,
}

#[derive(Serialize)]
struct Data<'a> {
    schema: &'a RawValue,
    payload: Payload<'a>,
}

#[derive(Serialize)]
struct CloudEvent<'a> {
    id: String,
    source: String,
    specversion: &'static str,
    #[serde(rename = "type")]
    event_type: &'static str,
    time: String,
    datacontenttype: &'static str,
    iodebeziumop: &'static str,
    iodebeziumversion: &'static str,
    iodebeziumconnector: &'static str,
    iodebeziumname: &'a str,
    iodebeziumtsms: String,
    iodebeziumsnapshot: &'static str,
    iodebeziumdb: &'a str,
    iodebeziumsequence: String,
    iodebeziumschema: &'a str,
    iodebeziumtable: &'a str,
    #[serde(rename = "iodebeziumtxId")]
    iodebezium_tx_id: String,
    iodebeziumlsn: String,
    data: Data<'a>,
}

/// The Debezium version whose output this reproduces.
pub const DEBEZIUM_VERSION: &str = "2.7.3.Final";

/// The `data.schema` of every change of a table: computed once per relation, not per row.
pub fn envelope_schema(source: &ChangeSource, columns: &[Column]) -> Result<Box<RawValue>, serde_json::Error> {
    let value_name = format!("{}.{}.{}", source.server_name, source.schema, source.table);
    let row_schema = |field: &str| {
        json!({
            "type": "struct",
            "fields": columns.iter().map(field_schema).collect::<Vec<_>>(),
            "optional": true,
            "name": format!("{value_name}.Value"),
            "field": field,
        })
    };
    let schema = json!({
        "type": "struct",
        "fields": [row_schema("before"), row_schema("after")],
        "optional": false,
        "name": format!("{value_name}.Envelope"),
        "version": 2,
    });
    RawValue::from_string(serde_json::to_string(&schema)?)
}

/// Serializes one inserted row as the CloudEvent Debezium Server would publish for it; `schema` is
/// [`envelope_schema`] of the row's table.
pub fn cloud_event(
    source: &ChangeSource,
    schema: &RawValue,
    position: ChangePosition,
    row: &InsertedRow<'_>,
) -> Result<Vec<u8>, serde_json::Error> {
    let commit_millis = (position.commit_time_micros + PG_EPOCH_OFFSET_MICROS).div_euclid(1000);
    let time = DateTime::<Utc>::from_timestamp_millis(commit_millis)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true);
    let sequence = format!("[\"{}\",\"{}\"]", position.commit_lsn, position.lsn);
    let event = CloudEvent {
        id: format!("name:{};lsn:{};txId:{};sequence:{}", source.server_name, position.lsn, position.xid, sequence),
        source: format!("/debezium/postgresql/{}", source.server_name),
        specversion: "1.0",
        event_type: "io.debezium.connector.postgresql.DataChangeEvent",
        time,
        datacontenttype: "application/json",
        iodebeziumop: "c",
        iodebeziumversion: DEBEZIUM_VERSION,
        iodebeziumconnector: "postgresql",
        iodebeziumname: &source.server_name,
        iodebeziumtsms: commit_millis.to_string(),
        iodebeziumsnapshot: "false",
        iodebeziumdb: &source.database,
        iodebeziumsequence: sequence,
        iodebeziumschema: &source.schema,
        iodebeziumtable: &source.table,
        iodebezium_tx_id: position.xid.to_string(),
        iodebeziumlsn: position.lsn.to_string(),
        data: Data { schema, payload: Payload { before: None, after: After(row) } },
    };
    serde_json::to_vec(&event)
}
