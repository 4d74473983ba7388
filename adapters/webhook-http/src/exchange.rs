//! One HTTP exchange within a deadline: send, read at most [`MAX_RESPONSE_BODY`] bytes of the
//! answer, and turn a failure into a short text for the delivery history.

use crate::TransportTimeouts;
use crate::guard::{AddressRefused, ResolutionFailed};
use std::error::Error;
use std::io;
use std::time::{Duration, SystemTime};
use tokio::time::{Instant, timeout_at};

/// How much of a response body is kept (the rest is never downloaded).
pub const MAX_RESPONSE_BODY: usize = 20 * 1024;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exchange {
    /// The endpoint answered (any status), with the start of its body as it came and, on a 429 or
    /// 503, how long its `Retry-After` asked to wait.
    Answered { status: u16, body: Vec<u8>, retry_after: Option<Duration> },
    /// No answer: timeout, connection or TLS failure, ... (the text says which).
    NoAnswer(String),
    /// The SSRF guard refused the destination: nothing was sent.
    Refused(String),
    /// The request could not be built (e.g. an unusable signing secret): nothing was sent.
    NotSent(String),
}

/// Sends `request` and reads the answer, all before `deadline` (`timeouts.total` after the start).
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    deadline: Instant,
    timeouts: TransportTimeouts,
) -> Exchange {
    let response = match timeout_at(deadline, request.send()).await {
        Err(_) => return Exchange::NoAnswer(format!("timed out after {:?}", timeouts.total)),
        Ok(Err(error)) => return describe(&error, timeouts),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let retry_after = match status {
        429 | 503 => response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| retry_after(value.to_str().ok()?, SystemTime::now())),
        _ => None,
    };
    let body = read_capped(response, deadline).await;
    Exchange::Answered { status, body, retry_after }
}

/// A `Retry-After` value (RFC 9110: seconds, or an HTTP date) as a wait from `now`; a date in the
/// past is no wait, anything unreadable is ignored.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Reads the body chunk by chunk, stopping after [`MAX_RESPONSE_BODY`] bytes, at the deadline or at
/// a broken stream (keeping what arrived). The bytes are kept as they came: a body need not be text.
async fn read_capped(mut response: reqwest::Response, deadline: Instant) -> Vec<u8> {
    let mut kept: Vec<u8> = Vec::new();
    while kept.len() < MAX_RESPONSE_BODY {
        match timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let room = MAX_RESPONSE_BODY - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(Ok(None)) | Ok(Err(_)) | Err(_) => break,
        }
    }
    kept
}

/// A short text for a request that got no answer, or the guard's refusal found among its causes.
fn describe(error: &reqwest::Error, timeouts: TransportTimeouts) -> Exchange {
    let causes = causes(error);
    if let Some(refused) = causes.iter().find_map(|cause| cause.downcast_ref::<AddressRefused>()) {
        return Exchange::Refused(refused.reason.clone());
    }
    if let Some(failed) = causes.iter().find_map(|cause| cause.downcast_ref::<ResolutionFailed>()) {
        return Exchange::NoAnswer(failed.to_string());
    }
    if error.is_timeout() {
        let text = if error.is_connect() {
            format!("connection timed out after {:?}", timeouts.connect)
        } else {
            format!("timed out after {:?}", timeouts.total)
        };
        return Exchange::NoAnswer(text);
    }
    if let Some(tls) = causes.iter().find_map(|cause| tls_error(*cause)) {
        return Exchange::NoAnswer(format!("TLS handshake failed: {tls}"));
    }
    if let Some(text) = causes.iter().find_map(|cause| io_error_text(*cause)) {
        return Exchange::NoAnswer(text.to_owned());
    }
    let innermost = causes.last().map_or_else(|| error.to_string(), |cause| cause.to_string());
    let prefix = if error.is_connect() { "connection failed" } else { "request failed" };
    Exchange::NoAnswer(format!("{prefix}: {innermost}"))
}

/// The error and its chain of sources, outermost first.
fn causes<'a>(error: &'a (dyn Error + 'static)) -> Vec<&'a (dyn Error + 'static)> {
    let mut chain = vec![error];
    let mut current = error.source();
    while let Some(cause) = current {
        chain.push(cause);
        current = cause.source();
    }
    chain
}

/// A TLS failure, which arrives wrapped in (possibly nested) `io::Error`s, whose `source()` skips
/// the error they wrap.
fn tls_error<'a>(cause: &'a (dyn Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = cause;
    loop {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = current.downcast_ref::<io::Error>()?.get_ref()?;
    }
}

fn io_error_text(cause: &(dyn Error + 'static)) -> Option<&'static str> {
    match cause.downcast_ref::<io::Error>()?.kind() {
        io::ErrorKind::ConnectionRefused => Some("connection refused"),
        io::ErrorKind::ConnectionReset => Some("connection reset by the endpoint"),
        io::ErrorKind::ConnectionAborted => Some("connection aborted"),
        io::ErrorKind::HostUnreachable => Some("host unreachable"),
        io::ErrorKind::NetworkUnreachable => Some("network unreachable"),
        io::ErrorKind::TimedOut => Some("connection timed out"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
