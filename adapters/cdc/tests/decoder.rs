//! The pgoutput decoder on byte fixtures captured from PostgreSQL 15 (`pg_logical_slot_peek_binary_changes`
//! with `proto_version 1` on the `outbox_events` publication), and on malformed input.

use kaiten_cdc::pgoutput::{Message, Value, decode};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pgoutput/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    hex::decode(text.trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn decodes_begin_and_commit() {
    let Ok(Message::Begin { final_lsn, xid, commit_time_micros }) = decode(&fixture("begin")) else {
        panic!("not a begin")
    };
    assert_eq!(final_lsn, 0x17AE_25C8);
    assert!(xid > 0 && commit_time_micros > 0);
    let Ok(Message::Commit { commit_lsn, end_lsn, .. }) = decode(&fixture("commit")) else { panic!("not a commit") };
    assert_eq!((commit_lsn, end_lsn), (0x17AE_25C8, 0x17AE_25F8));
}

#[test]
fn decodes_the_outbox_relation() {
    let Ok(Message::Relation(relation)) = decode(&fixture("relation")) else { panic!("not a relation") };
    assert_eq!((relation.namespace.as_str(), relation.name.as_str()), ("public", "outbox_events"));
    let columns: Vec<(&str, u32)> = relation.columns.iter().map(|c| (c.name.as_str(), c.type_oid)).collect();
    assert_eq!(
        columns,
        [
            ("id", 2950),
            ("event_name", 25),
            ("event_type", 25),
            ("data", 3802),
            ("organization_id", 2950),
            ("headers", 3802),
            ("occurred_at", 1184),
        ]
    );
    let Ok(Message::Relation(earlier)) = decode(&fixture("relation_payload_layout")) else { panic!("not a relation") };
    let columns: Vec<&str> = earlier.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        ["id", "event_name", "event_type", "payload", "organization_id", "traceparent", "headers", "created_at"]
    );
}

#[test]
fn decodes_an_insert_with_text_and_null_values() {
    let Ok(Message::Insert { relation_id, values }) = decode(&fixture("insert")) else { panic!("not an insert") };
    let Ok(Message::Relation(relation)) = decode(&fixture("relation")) else { panic!("not a relation") };
    assert_eq!(relation_id, relation.id);
    assert_eq!(values.len(), 7);
    assert_eq!(values[0], Value::Text("01a223d9-8a25-72a9-a1d6-49493262f7e7".into()));
    assert_eq!(values[1], Value::Text("CUSTOMER_CREATION".into()));
    assert!(matches!(&values[5], Value::Text(headers) if headers.contains("traceparent")));
    assert_eq!(values[6], Value::Text("2026-09-01 12:00:00.123456+00".into()));
    let Ok(Message::Insert { values, .. }) = decode(&fixture("insert_payload_layout")) else { panic!("not an insert") };
    assert_eq!(values.len(), 8);
    assert_eq!(values[6], Value::Null);
}

#[test]
fn other_messages_are_recognised_and_skipped() {
    for tag in [b'U', b'D', b'T', b'Y', b'O', b'M'] {
        assert_eq!(decode(&[tag, 0, 0]), Ok(Message::Skipped(tag)));
    }
}

#[test]
fn malformed_input_is_an_error_never_a_panic() {
    assert!(decode(&[]).is_err());
    assert!(decode(b"Z").is_err());
    for name in ["begin", "relation", "insert", "commit", "relation_payload_layout", "insert_payload_layout"] {
        let bytes = fixture(name);
        for cut in 1..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "{name} truncated at {cut} decoded");
        }
    }
    // A negative value length, and a relation name without its terminator.
    assert!(decode(&[b'I', 0, 0, 0, 1, b'N', 0, 1, b't', 0xff, 0xff, 0xff, 0xff]).is_err());
    assert!(decode(&[b'R', 0, 0, 0, 1, b'p', b'u', b'b']).is_err());
}
