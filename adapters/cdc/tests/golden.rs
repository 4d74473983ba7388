//! The relay's message format, pinned byte for byte: a captured insert serialized as Debezium
//! Server's CloudEvent must equal `tests/golden/customer_creation.json` (the outbox as Kaiten lays it
//! out: `data`, `headers`, `occurred_at`), and an insert captured from the earlier layout (`payload`,
//! `traceparent`, `created_at`) must still equal `customer_creation_payload_layout.json`.

use kaiten_cdc::debezium::{ChangePosition, ChangeSource, InsertedRow, cloud_event, envelope_schema};
use kaiten_cdc::pgoutput::{Message, decode};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pgoutput/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    hex::decode(std::fs::read_to_string(&path).unwrap_or_default().trim()).unwrap_or_default()
}

/// Serializes the captured insert `insert{layout}` of relation `relation{layout}` and compares it with
/// `golden/customer_creation{layout}.json` (rewritten when `KAITEN_UPDATE_GOLDEN` is set).
fn assert_matches_golden(layout: &str) -> Vec<(String, String)> {
    let Ok(Message::Relation(relation)) = decode(&fixture(&format!("relation{layout}"))) else { panic!("relation") };
    let Ok(Message::Insert { values, .. }) = decode(&fixture(&format!("insert{layout}"))) else { panic!("insert") };
    let source = ChangeSource {
        server_name: "kaiten".into(),
        database: "kaiten".into(),
        schema: relation.namespace.clone(),
        table: relation.name.clone(),
    };
    // 2026-09-01T12:00:00.123Z in microseconds since 2000-01-01.
    let position = ChangePosition {
        lsn: 0x17AE_2358,
        commit_lsn: 0x17AE_25C8,
        xid: 1234,
        commit_time_micros: 841_579_200_123_000,
    };
    let row = InsertedRow { columns: &relation.columns, values: &values };
    let schema = envelope_schema(&source, &relation.columns).unwrap_or_else(|e| panic!("{e}"));
    let body = cloud_event(&source, &schema, position, &row).unwrap_or_default();
    let golden_path = format!("{}/tests/golden/customer_creation{layout}.json", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("KAITEN_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &body).unwrap_or_else(|e| panic!("{e}"));
    }
    let golden = std::fs::read(&golden_path).unwrap_or_else(|e| panic!("{golden_path}: {e}"));
    assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&golden));
    row.trace_headers()
}

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn an_outbox_insert_serializes_exactly_as_the_golden_file() {
    let headers = assert_matches_golden("");
    assert_eq!(headers, [("traceparent".to_owned(), TRACEPARENT.to_owned())], "the trace context inside `headers`");
}

#[test]
fn an_insert_of_the_earlier_layout_still_serializes_as_it_did() {
    let headers = assert_matches_golden("_payload_layout");
    assert_eq!(headers, [("traceparent".to_owned(), TRACEPARENT.to_owned())], "the `traceparent` column");
}
