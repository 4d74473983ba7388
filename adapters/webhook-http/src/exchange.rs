//! One HTTP exchange within a deadline: send, read at most [`MAX_RESPONSE_BODY`] bytes of the
//! answer, and turn a failure into a short text for the delivery history.

use crate::TransportTimeouts;
use crate::guard::{AddressRefused, ResolutionFailed};
use std::error::Error;
use std::io;
use tokio::time::{Instant, timeout_at};

/// How much of a response body is kept (the rest is never downloaded).
pub const MAX_RESPONSE_BODY: usize = 20 * 1024;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Exchange {
    /// The endpoint answered (any status), with the start of its body as it came.
    Answered { status: u16, body: Vec<u8> },
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
    let body = read_capped(response, deadline).await;
    Exchange::Answered { status, body }
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
