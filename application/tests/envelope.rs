//! The envelope parser on every shape a deployment can produce, and on garbage.

use kaiten_application::envelope::{Envelope, parse};
use kaiten_domain::EventKind;
use serde_json::{Value, json};

const ID: &str = "01a223d9-8a25-72a9-a1d6-49493262f7e7";
const ORG: &str = "01a223d9-8941-710d-8f68-72e6142db8bc";

/// What the relay emits (and Debezium Server would): the golden file of the relay's serializer, for
/// the outbox as Kaiten lays it out (`""`) or as earlier builds did (`"_payload_layout"`).
fn relay_cloud_event(layout: &str) -> Vec<u8> {
    let path = format!("{}/../adapters/cdc/tests/golden/customer_creation{layout}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap_or_default()
}

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn row(payload_column: &str, payload: Value) -> Value {
    json!({"id": ID, "event_name": "CUSTOMER_CREATION", "event_type": "com.kaiten.customer.v1.created",
           payload_column: payload, "organization_id": ORG, "traceparent": null, "headers": null,
           "created_at": "2026-09-01T12:00:00.123456Z"})
}

fn expect_customer(body: &[u8]) -> Value {
    match parse(body) {
        Ok(Envelope::Event(event)) => {
            assert_eq!(event.outbox_id.to_string(), ID);
            assert_eq!(event.organization_id.to_string(), ORG);
            assert_eq!(event.kind, EventKind::CustomerCreation);
            event.data
        }
        other => panic!("{other:?} for {}", String::from_utf8_lossy(body)),
    }
}

#[test]
fn parses_the_relays_debezium_cloud_event_in_both_outbox_layouts() {
    for layout in ["", "_payload_layout"] {
        let data = expect_customer(&relay_cloud_event(layout));
        assert_eq!(data["slug"], "acme-corp");
        match parse(&relay_cloud_event(layout)) {
            Ok(Envelope::Event(event)) => assert_eq!(event.traceparent.as_deref(), Some(TRACEPARENT), "{layout}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn reads_the_trace_context_inside_headers_as_an_object_or_a_string() {
    for headers in [json!({"traceparent": TRACEPARENT}), json!(json!({"traceparent": TRACEPARENT}).to_string())] {
        let mut after = row("data", json!({"name": "Acme"}));
        after["headers"] = headers;
        let envelope = json!({"before": null, "after": after, "op": "c"});
        match parse(envelope.to_string().as_bytes()) {
            Ok(Envelope::Event(event)) => assert_eq!(event.traceparent.as_deref(), Some(TRACEPARENT)),
            other => panic!("{other:?}"),
        }
    }
    let mut unreadable = row("data", json!({"name": "Acme"}));
    unreadable["headers"] = json!("not json");
    let envelope = json!({"before": null, "after": unreadable, "op": "c"});
    assert!(
        matches!(parse(envelope.to_string().as_bytes()), Ok(Envelope::Event(event)) if event.traceparent.is_none())
    );
}

#[test]
fn parses_plain_debezium_envelopes_with_and_without_schema() {
    let encoded = json!({"id": ID, "name": "Acme"}).to_string();
    let with_schema = json!({"schema": {"type": "struct"}, "payload": {"before": null, "after": row("payload", json!(encoded)), "op": "c"}});
    let without_schema = json!({"before": null, "after": row("payload", json!(encoded)), "op": "c", "source": {}});
    for envelope in [with_schema, without_schema] {
        assert_eq!(expect_customer(envelope.to_string().as_bytes())["name"], "Acme");
    }
}

#[test]
fn parses_the_data_column_and_jsonb_as_object_or_string() {
    let object = json!({"before": null, "after": row("data", json!({"id": ID, "name": "Object"})), "op": "c"});
    assert_eq!(expect_customer(object.to_string().as_bytes())["name"], "Object");
    let string = json!({"before": null, "after": row("data", json!(json!({"name": "String"}).to_string())), "op": "c"});
    assert_eq!(expect_customer(string.to_string().as_bytes())["name"], "String");
    let cloud_event_with_object = json!({"specversion": "1.0", "type": "io.debezium.connector.postgresql.DataChangeEvent",
        "data": {"payload": {"before": null, "after": row("payload", json!({"name": "CE"}))}}});
    assert_eq!(expect_customer(cloud_event_with_object.to_string().as_bytes())["name"], "CE");
}

#[test]
fn recognises_the_heartbeat() {
    let heartbeat = json!({"specversion": "1.0", "type": "cloud.kaiten.cdc.heartbeat", "source": "/kaiten", "id": "1"});
    assert_eq!(parse(heartbeat.to_string().as_bytes()), Ok(Envelope::Heartbeat));
}

#[test]
fn refuses_what_can_never_be_an_event_with_a_reason() {
    let mut bad_uuid = row("payload", json!("{}"));
    bad_uuid["id"] = json!("not-a-uuid");
    let mut unknown = row("payload", json!("{}"));
    unknown["event_name"] = json!("CUSTOMER_EXPLOSION");
    let mut mismatched = row("payload", json!("{}"));
    mismatched["event_type"] = json!("com.kaiten.release.v1.created");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "not JSON"),
        (b"[1,2]".to_vec(), "not a JSON object"),
        (json!({"hello": "world"}).to_string().into_bytes(), "no Debezium change"),
        (json!({"after": null, "op": "c"}).to_string().into_bytes(), "no `after`"),
        (json!({"after": row("payload", json!("{}")), "op": "d"}).to_string().into_bytes(), "not an insert"),
        (json!({"after": bad_uuid}).to_string().into_bytes(), "not a UUID"),
        (json!({"after": unknown}).to_string().into_bytes(), "unknown event name"),
        (json!({"after": mismatched}).to_string().into_bytes(), "does not match"),
        (json!({"after": row("payload", json!("{broken"))}).to_string().into_bytes(), "not valid JSON"),
        (json!({"specversion": "1.0", "data": "x"}).to_string().into_bytes(), "no `data` object"),
    ];
    for (body, reason) in cases {
        match parse(&body) {
            Err(error) => assert!(error.0.contains(reason), "{error} should mention {reason:?}"),
            Ok(envelope) => panic!("{envelope:?} parsed from {}", String::from_utf8_lossy(&body)),
        }
    }
}

fn happened_at(body: &[u8]) -> Option<String> {
    match parse(body) {
        Ok(Envelope::Event(event)) => event.happened_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_the_time_of_the_change_from_the_row_else_the_envelope() {
    let time = "2026-09-01T12:00:05.250Z";
    let mut cloud_event: Value = serde_json::from_slice(&relay_cloud_event("")).unwrap_or_default();
    cloud_event["time"] = json!(time);
    let first = happened_at(cloud_event.to_string().as_bytes());
    assert_eq!(first.as_deref(), Some("2026-09-01T12:00:00.123Z"), "the row's occurred_at first");
    let mut after = row("data", json!({"name": "Acme"}));
    let plain = json!({"before": null, "after": after, "op": "c"});
    assert_eq!(happened_at(plain.to_string().as_bytes()).as_deref(), Some("2026-09-01T12:00:00.123Z"), "created_at");
    if let Some(row) = after.as_object_mut() {
        row.remove("created_at");
    }
    let with_source =
        json!({"payload": {"before": null, "after": after, "op": "c", "source": {"ts_ms": 1_788_264_005_250_i64}}});
    assert_eq!(happened_at(with_source.to_string().as_bytes()).as_deref(), Some(time), "else source.ts_ms");
    cloud_event["data"]["payload"]["after"] = after;
    assert_eq!(happened_at(cloud_event.to_string().as_bytes()).as_deref(), Some(time), "else the CloudEvent's time");
}

#[test]
fn the_schema_is_skipped_whatever_it_holds_and_changes_nothing() {
    let golden: Value = serde_json::from_slice(&relay_cloud_event("")).unwrap_or_default();
    assert!(golden["data"]["schema"].is_object(), "the golden CloudEvent carries Debezium's schema");
    let expected = parse(golden.to_string().as_bytes());
    assert!(matches!(expected, Ok(Envelope::Event(_))), "{expected:?}");
    let mut without = golden.clone();
    if let Some(data) = without["data"].as_object_mut() {
        data.remove("schema");
    }
    assert_eq!(parse(without.to_string().as_bytes()), expected);
    for schema in [json!(null), json!("a string"), json!([1, {"deep": [true]}]), json!({"type": 7})] {
        let mut odd = golden.clone();
        odd["data"]["schema"] = schema.clone();
        odd["schema"] = schema;
        assert_eq!(parse(odd.to_string().as_bytes()), expected);
    }
    // The plain envelope's top-level schema, and a `payload` beside it, whatever their order.
    let payload = golden["data"]["payload"].clone();
    let plain = format!(r#"{{"payload": {payload}, "schema": {{"fields": [1, 2]}}}}"#);
    assert_eq!(parse(plain.as_bytes()), expected);
}
