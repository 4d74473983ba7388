//! One server span per API request, continuing the caller's trace when the request carries a W3C
//! `traceparent` (read with the process's propagator), and that span's own trace context, handed to
//! the use cases so every outbox row the request writes starts its change's trace from here.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::propagation::Extractor;
use opentelemetry::trace::TraceContextExt;
use tracing::Instrument;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The W3C `traceparent` of the request's span (present when spans have trace ids).
#[derive(Debug, Clone)]
pub(crate) struct RequestTraceparent(pub String);

/// Routes probed or scraped all the time: no span, so they do not flood the traces.
const UNTRACED_ROUTES: [&str; 3] = ["/api/healthz", "/api/readyz", "/metrics"];

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

/// Runs the request inside its span (named after the route template, so it runs after routing)
/// and records the response status on it.
pub(crate) async fn trace_request(mut request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let Some(route) = route.filter(|route| !UNTRACED_ROUTES.contains(&route.as_str())) else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let span = tracing::info_span!(
        "http.request",
        otel.name = %format!("{method} {route}"),
        otel.kind = "server",
        http.request.method = %method,
        http.route = %route,
        url.path = %request.uri().path(),
        http.response.status_code = Empty,
        otel.status_code = Empty,
        trace_id = Empty,
    );
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&HeaderExtractor(request.headers()))
    });
    if parent.span().span_context().is_valid() && span.set_parent(parent).is_err() {
        tracing::debug!("the request span could not take the caller's trace context");
    }
    if let Some((trace_id, traceparent)) = trace_context(&span) {
        span.record("trace_id", trace_id);
        request.extensions_mut().insert(RequestTraceparent(traceparent));
    }
    let response = next.run(request).instrument(span.clone()).await;
    span.record("http.response.status_code", response.status().as_u16());
    if response.status().is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    response
}

/// The trace id and the W3C `traceparent` of `span`, when it has a valid OpenTelemetry context.
fn trace_context(span: &tracing::Span) -> Option<(String, String)> {
    let context = span.context();
    let span = context.span();
    let ids = span.span_context();
    ids.is_valid().then(|| {
        let trace_id = ids.trace_id().to_string();
        let traceparent = format!("00-{trace_id}-{}-{:02x}", ids.span_id(), ids.trace_flags().to_u8());
        (trace_id, traceparent)
    })
}
