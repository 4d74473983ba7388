//! The fields of a span in JSON logs, kept as one JSON object that a field recorded later is appended
//! to. `tracing-subscriber`'s own `JsonFields` parses the object and writes it anew at each
//! `Span::record`, which the request, message and delivery spans do for every event. Appending gives
//! the same log lines but for the order of a span's fields (the order they were recorded in, not
//! sorted). A field recorded twice appears twice in the stored object, and the later value is the one
//! the log line shows (the JSON formatter reads the object into a map).

use std::fmt;
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{JsonVisitor, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields};

/// Formats span fields as a JSON object and appends recorded fields to it.
#[derive(Debug, Default, Clone, Copy)]
pub struct AppendingJsonFields;

impl<'writer> FormatFields<'writer> for AppendingJsonFields {
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = JsonVisitor::new(&mut writer);
        fields.record(&mut visitor);
        visitor.finish()
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut added = String::new();
        self.format_fields(Writer::new(&mut added), fields)?;
        append(&mut current.fields, &added);
        Ok(())
    }
}

/// Appends the members of the JSON object `added` to the JSON object `object`.
fn append(object: &mut String, added: &str) {
    let Some(members) = added.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) else { return };
    if members.is_empty() {
        return;
    }
    if object.pop() != Some('}') {
        *object = added.to_owned();
        return;
    }
    if !object.ends_with('{') {
        object.push(',');
    }
    object.push_str(members);
    object.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn members_are_appended_to_an_object() {
        let mut object = String::new();
        append(&mut object, r#"{"a":1}"#);
        assert_eq!(object, r#"{"a":1}"#);
        append(&mut object, "{}");
        append(&mut object, r#"{"b":"x","c":true}"#);
        assert_eq!(object, r#"{"a":1,"b":"x","c":true}"#);
        let mut empty = String::from("{}");
        append(&mut empty, r#"{"d":2}"#);
        assert_eq!(empty, r#"{"d":2}"#);
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_log_line_shows_the_fields_recorded_on_its_span_after_it_began() -> anyhow::Result<()> {
        let captured = Captured::default();
        let writer = captured.clone();
        let layer =
            tracing_subscriber::fmt::layer().json().fmt_fields(AppendingJsonFields).with_writer(move || writer.clone());
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("delivery", endpoint = "ep_1", status = tracing::field::Empty);
            span.record("status", 204);
            span.record("status", 410);
            span.in_scope(|| tracing::info!("done"));
        });
        let bytes = captured.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.clone();
        let line: serde_json::Value = serde_json::from_slice(&bytes)?;
        assert_eq!(line["span"]["endpoint"], "ep_1");
        assert_eq!(line["span"]["status"], 410, "the value recorded last: {line}");
        assert_eq!(line["fields"]["message"], "done");
        Ok(())
    }
}
