//! Logs and traces. Logs are human-readable or JSON lines on stderr, filtered by `RUST_LOG` (default
//! `info`). Every span at INFO or above is also an OpenTelemetry span with W3C ids, whatever
//! `RUST_LOG` says, so a request's trace context can be stored in the outbox and continued by the
//! worker and the deliveries. Spans are exported over OTLP/HTTP (protobuf) only when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; the service is
//! named by `OTEL_SERVICE_NAME` (default `kaiten`). Trace context travels as W3C `traceparent`.

use crate::json_fields::AppendingJsonFields;
use anyhow::Context;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::Once;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Where spans are exported (OTLP/HTTP, `/v1/traces` is appended); unset: no export.
pub const ENDPOINT_VARIABLE: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// The traces-only form of [`ENDPOINT_VARIABLE`], used as is.
pub const TRACES_ENDPOINT_VARIABLE: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
/// The `service.name` of the exported spans.
pub const SERVICE_NAME_VARIABLE: &str = "OTEL_SERVICE_NAME";
const DEFAULT_SERVICE_NAME: &str = "kaiten";

/// Keeps the tracing pipeline of the process; dropping it exports the spans still buffered and stops
/// the exporter. `main` holds it until the end.
#[must_use = "dropping the guard stops the span export"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("could not flush the remaining spans: {error}");
        }
    }
}

/// Installs logging (`format` is `json` or `pretty`) and tracing for the process. A subscriber
/// installed earlier (by a test) is kept. Fails only when the OTLP exporter cannot be built.
pub fn init(format: &str) -> anyhow::Result<TelemetryGuard> {
    let export = [ENDPOINT_VARIABLE, TRACES_ENDPOINT_VARIABLE]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|value| !value.trim().is_empty()));
    let provider = if export { exporting_provider()? } else { SdkTracerProvider::builder().build() };
    install(format, "info", &provider);
    if export {
        tracing::info!("spans are exported over OTLP/HTTP");
    }
    Ok(TelemetryGuard { provider: export.then_some(provider) })
}

/// The same logging and tracing for tests, installed once per process and never exported. Logs
/// default to `warn` there (`RUST_LOG` still applies).
pub fn init_for_tests() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        install("pretty", "warn", &SdkTracerProvider::builder().build());
    });
}

/// A provider whose spans are batched to the OTLP endpoint of the environment.
fn exporting_provider() -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
        .with_context(|| format!("cannot build the OTLP span exporter for {ENDPOINT_VARIABLE}"))?;
    let service = std::env::var(SERVICE_NAME_VARIABLE)
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE_NAME.to_owned());
    let resource = Resource::builder().with_service_name(service).build();
    Ok(SdkTracerProvider::builder().with_resource(resource).with_batch_exporter(exporter).build())
}

/// Logs filtered by `RUST_LOG` (else `default_filter`); spans at INFO or above to `provider`, which
/// the subscriber keeps alive; trace context propagated as W3C Trace Context.
fn install(format: &str, default_filter: &str, provider: &SdkTracerProvider) {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let logs = if format == "json" { logs.json().fmt_fields(AppendingJsonFields).boxed() } else { logs.boxed() };
    // The trace context is read from each span (`OpenTelemetrySpanExt::context`), never from the
    // thread's current OpenTelemetry context, so entering a span does not activate its context; nor
    // does it time the span's busy and idle periods or name the worker thread that created it (a task
    // moves between threads): each of those ran at every poll of an instrumented future or for every
    // span, for attributes nobody reads when spans are not exported.
    let traces = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(DEFAULT_SERVICE_NAME))
        .with_context_activation(false)
        .with_tracked_inactivity(false)
        .with_threads(false)
        .with_filter(LevelFilter::INFO);
    // A subscriber may already be installed (tests); keeping it is fine.
    let _ = tracing_subscriber::registry().with(logs.with_filter(filter)).with(traces).try_init();
}
