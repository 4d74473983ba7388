//! W3C trace context in AMQP headers: a consumed message is handled in a span continuing the trace
//! of its `traceparent` header (the change's, set by the relay from the outbox row), and a scheduled
//! delivery carries the trace context it was scheduled in.

use lapin::message::Delivery;
use lapin::types::{AMQPValue, FieldTable, LongString};
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TraceContextExt;
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

struct HeaderExtractor<'a>(Option<&'a FieldTable>);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        match self.0?.inner().get(key)? {
            AMQPValue::LongString(value) => std::str::from_utf8(value.as_bytes()).ok(),
            AMQPValue::ShortString(value) => Some(value.as_str()),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        self.0.map(|headers| headers.inner().keys().map(|name| name.as_str()).collect()).unwrap_or_default()
    }
}

struct HeaderInjector<'a>(&'a mut FieldTable);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), AMQPValue::LongString(LongString::from(value.as_str())));
    }
}

/// The span one message of `queue` is handled in, child of the trace in its headers (if any).
pub(crate) fn consumer_span(queue: &str, delivery: &Delivery) -> Span {
    let span = tracing::info_span!(
        "kaiten.worker.dispatch",
        otel.name = %format!("{queue} process"),
        otel.kind = "consumer",
        messaging.system = "rabbitmq",
        messaging.operation.type = "process",
        messaging.destination.name = %queue,
        messaging.message.id = delivery.properties.message_id().as_ref().map(|id| id.as_str()),
        trace_id = Empty,
    );
    let headers = HeaderExtractor(delivery.properties.headers().as_ref());
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| propagator.extract(&headers));
    if parent.span().span_context().is_valid() && span.set_parent(parent).is_err() {
        tracing::debug!("the message span could not take the message's trace context");
    }
    let ids = span.context().span().span_context().clone();
    if ids.is_valid() {
        span.record("trace_id", ids.trace_id().to_string());
    }
    span
}

/// Adds the trace context of the current span to `headers` (nothing without one).
pub(crate) fn inject_current(headers: &mut FieldTable) {
    let context = Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut HeaderInjector(headers));
    });
}
