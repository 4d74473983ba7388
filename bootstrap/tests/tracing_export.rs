//! The `kaiten` binary with `OTEL_EXPORTER_OTLP_ENDPOINT` set exports its spans over OTLP/HTTP: the
//! API's request span and the worker's span of the same change share the request's trace, and the
//! spans still buffered are flushed when the process stops on SIGTERM.

use axum::body::Bytes;
use axum::extract::State;
mod support;

use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, wait_for};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a fake OTLP collector received on `POST /v1/traces`: (content type, body) of each export.
type Exports = Arc<Mutex<Vec<(String, Bytes)>>>;

async fn fake_collector() -> anyhow::Result<(String, Exports)> {
    let exports = Exports::default();
    let app = axum::Router::new()
        .route(
            "/v1/traces",
            axum::routing::post(
                |State(exports): State<Exports>, headers: axum::http::HeaderMap, body: Bytes| async move {
                    let content_type = headers
                        .get(axum::http::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if let Ok(mut exports) = exports.lock() {
                        exports.push((content_type, body));
                    }
                },
            ),
        )
        .with_state(exports.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((endpoint, exports))
}

fn trace_id_bytes(hex: &str) -> anyhow::Result<Vec<u8>> {
    (0..hex.len()).step_by(2).map(|at| Ok(u8::from_str_radix(&hex[at..at + 2], 16)?)).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_of_one_change_are_exported_in_the_request_trace_and_flushed_on_sigterm() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let token = support::org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let (endpoint, exports) = fake_collector().await?;
    let (child, address) = support::serve(
        support::kaiten(&db)
            .env("KAITEN_PORT", "0")
            .env("KAITEN_SLOT", &names.slot)
            .env("KAITEN_EXCHANGE", &names.exchange)
            .env("KAITEN_QUEUE", &names.queue)
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
            .env("OTEL_SERVICE_NAME", "kaiten-export-test")
            // Nothing is exported on the timer during the test: only the flush at shutdown sends spans.
            .env("OTEL_BSP_SCHEDULE_DELAY", "600000"),
    )?;

    kaiten_webhook_http::install_default_crypto_provider();
    let client = reqwest::Client::new();
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = client
        .post(format!("http://{address}/api/customers"))
        .bearer_auth(&token)
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&serde_json::json!({"name": "Globex"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    wait_for(Duration::from_secs(60), || async {
        let metrics = client.get(format!("http://{address}/metrics")).send().await?.text().await?;
        Ok(metrics.contains("kaiten_queue_consumed_total 1").then_some(()))
    })
    .await?;
    assert!(exports.lock().map(|e| e.is_empty()).unwrap_or(false), "nothing exported before the shutdown");

    let status = support::stop_with_sigterm(child).await?;
    assert!(status.success(), "{status}");

    let exports = exports.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(!exports.is_empty(), "the spans were flushed to the collector at shutdown");
    assert!(exports.iter().all(|(content_type, _)| content_type == "application/x-protobuf"));
    let body: Vec<u8> = exports.iter().flat_map(|(_, body)| body.to_vec()).collect();
    assert!(contains(&body, b"kaiten-export-test"), "the service is named by OTEL_SERVICE_NAME");
    assert!(contains(&body, b"POST /api/customers"), "the API's request span");
    assert!(contains(&body, format!("{} process", names.queue).as_bytes()), "the worker's span");
    let trace_id = trace_id_bytes(trace_id)?;
    let spans_in_trace = body.windows(trace_id.len()).filter(|window| *window == trace_id.as_slice()).count();
    assert!(spans_in_trace >= 2, "the request span and the worker span share the request's trace");
    Ok(())
}
