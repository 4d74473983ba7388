//! The relay's messages read the way Kaiten's Go services read them (`api/pkg/debezium`): the
//! CloudEvent's `data` → `payload` → `after` decoded into the outbox row with Go's `encoding/json`
//! rules — `data` must be a JSON *string* holding the document (an object there fails the whole
//! decode), `headers` an object or a JSON-encoded one with the W3C trace context inside,
//! `occurred_at` an RFC 3339 string (Go's `time.Time`; a missing key is the zero time, year 1), and
//! `organization_id` a non-nil UUID. The decoder below is that contract, strictly; it is run on the
//! golden file and on the live relay's message for a row the API wrote.

mod support;

use chrono::{DateTime, Utc};
use kaiten_test_support::read_queue;
use reqwest::Method;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::time::Duration;
use support::TestApp;
use uuid::Uuid;

/// Kaiten's `debezium.Event`: the outbox row as Go decodes it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GoEvent {
    id: String,
    organization_id: String,
    event_name: String,
    event_type: String,
    data: String,
    headers: Option<Box<RawValue>>,
    #[serde(deserialize_with = "go_time")]
    occurred_at: Option<DateTime<Utc>>,
}

/// Go's `time.Time` JSON decoding: `null` leaves the zero time, anything else must be an RFC 3339
/// string with a `T` between date and time.
fn go_time<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else { return Ok(None) };
    if text.as_bytes().get(10) != Some(&b'T') {
        return Err(serde::de::Error::custom(format!("parsing time {text:?} as RFC 3339")));
    }
    DateTime::parse_from_rfc3339(&text).map(|t| Some(t.with_timezone(&Utc))).map_err(serde::de::Error::custom)
}

#[derive(Deserialize)]
struct CloudEvent {
    data: Box<RawValue>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CdcEnvelope {
    payload: CdcPayload,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CdcPayload {
    after: GoEvent,
}

/// `debezium.Parse`: a full delivery (the CloudEvent) to the outbox event.
fn parse(body: &[u8]) -> anyhow::Result<GoEvent> {
    let cloud_event: CloudEvent = serde_json::from_slice(body)?;
    let envelope: CdcEnvelope = serde_json::from_str(cloud_event.data.get())?;
    Ok(envelope.payload.after)
}

/// `debezium.UnmarshalHeaders`: an object, or a JSON-encoded one.
fn headers(event: &GoEvent) -> anyhow::Result<serde_json::Map<String, Value>> {
    let Some(raw) = &event.headers else { return Ok(Default::default()) };
    if let Ok(object) = serde_json::from_str::<Option<serde_json::Map<String, Value>>>(raw.get()) {
        return Ok(object.unwrap_or_default());
    }
    let encoded: String = serde_json::from_str(raw.get())?;
    Ok(serde_json::from_str(&encoded)?)
}

/// What the consumer's handler checks before it dispatches (`Handle` drops the event otherwise).
fn organization(event: &GoEvent) -> anyhow::Result<Uuid> {
    let id: Uuid = event.organization_id.parse()?;
    anyhow::ensure!(!id.is_nil(), "the nil organization");
    Ok(id)
}

fn golden(layout: &str) -> anyhow::Result<Vec<u8>> {
    let path = format!("{}/../adapters/cdc/tests/golden/customer_creation{layout}.json", env!("CARGO_MANIFEST_DIR"));
    Ok(std::fs::read(path)?)
}

#[test]
fn the_golden_message_reads_whole_in_kaitens_go_consumer() -> anyhow::Result<()> {
    let event = parse(&golden("")?)?;
    assert_eq!(event.id, "01a223d9-8a25-72a9-a1d6-49493262f7e7");
    assert_eq!(organization(&event)?.to_string(), "01a223d9-8941-710d-8f68-72e6142db8bc");
    assert_eq!(
        (event.event_name.as_str(), event.event_type.as_str()),
        ("CUSTOMER_CREATION", "com.kaiten.customer.v1.created")
    );
    let data: Value = serde_json::from_str(&event.data)?;
    assert_eq!(data["slug"], "acme-corp");
    assert_eq!(headers(&event)?["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(event.occurred_at, Some("2026-09-01T12:00:00.123456Z".parse()?));
    Ok(())
}

#[test]
fn the_earlier_layout_is_what_the_go_consumer_could_not_read() -> anyhow::Result<()> {
    // The decoder is strict enough to see the difference: no `data`, no time, no trace context.
    let event = parse(&golden("_payload_layout")?)?;
    assert_eq!(event.id, "01a223d9-8a25-72a9-a1d6-49493262f7e7");
    assert!(event.data.is_empty() && event.occurred_at.is_none());
    assert!(headers(&event)?.is_empty());
    // And a jsonb object in `data` (not Debezium's encoding) fails the whole decode, as in Go.
    let object = json!({"data": {"payload": {"after": {"id": "x", "data": {"name": "Acme"}}}}});
    assert!(parse(object.to_string().as_bytes()).is_err());
    Ok(())
}

#[tokio::test]
async fn a_row_written_by_the_api_reaches_the_go_consumer_with_data_time_and_trace() -> anyhow::Result<()> {
    let app = TestApp::spawn_with("api,relay", None).await?;
    let tenant = app.tenant("Acme").await?;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let before = Utc::now();
    let response = app
        .request(Method::POST, "/api/customers", &tenant.token)
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({"name": "Globex"}))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 201, "customer not created");
    let created: Value = response.json().await?;

    let messages = read_queue(&app.names.queue, Duration::from_secs(30), |m| !m.is_empty()).await?;
    let event = parse(&messages[0].body)?;
    assert_eq!(organization(&event)?, tenant.id);
    assert_eq!(event.event_type, "com.kaiten.customer.v1.created");
    let data: Value = serde_json::from_str(&event.data)?;
    assert_eq!(data, created, "`data` is the entity as the API returned it");
    let traceparent = headers(&event)?["traceparent"].as_str().unwrap_or_default().to_owned();
    assert!(traceparent.starts_with(&format!("00-{trace_id}-")), "the request's trace continues: {traceparent}");
    let occurred_at = event.occurred_at.ok_or_else(|| anyhow::anyhow!("no occurred_at"))?;
    assert!(occurred_at >= before - chrono::Duration::seconds(5) && occurred_at <= Utc::now());
    assert_eq!(messages[0].headers.get("traceparent"), Some(&traceparent), "and travels as an AMQP header");
    Ok(())
}
