//! The relay's message format, pinned byte for byte: a captured insert serialized as Debezium
//! Server's CloudEvent must equal `tests/golden/customer_creation.json`.

use kaiten_cdc::debezium::{ChangePosition, ChangeSource, InsertedRow, cloud_event, envelope_schema};
use kaiten_cdc::pgoutput::{Message, decode};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pgoutput/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    hex::decode(std::fs::read_to_string(&path).unwrap_or_default().trim()).unwrap_or_default()
}

#[test]
fn an_outbox_insert_serializes_exactly_as_the_golden_file() {
    let Ok(Message::Relation(relation)) = decode(&fixture("relation")) else { panic!("relation fixture") };
    let Ok(Message::Insert { values, .. }) = decode(&fixture("insert")) else { panic!("insert fixture") };
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
    let golden_path = format!("{}/tests/golden/customer_creation.json", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("KAITEN_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &body).unwrap_or_else(|e| panic!("{e}"));
    }
    let golden = std::fs::read(&golden_path).unwrap_or_else(|e| panic!("{golden_path}: {e}"));
    assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&golden));
}
