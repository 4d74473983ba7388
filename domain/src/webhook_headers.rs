//! Custom request headers an endpoint's deliveries carry (a gateway's key, a tenant marker): at most
//! 20, validated so that none can override what makes a delivery a delivery (the `webhook-*`
//! signature headers, `Host`, the body's length and type, hop-by-hop headers) and so that both
//! backends accept the same set (Svix refuses the same names). Values are write-only secrets unless a
//! header is marked `secret: false`; credential headers are always secret.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_HEADERS: usize = 20;
const MAX_NAME: usize = 256;
const MAX_VALUE: usize = 4096;

/// Names no endpoint may set: the request's own framing and identity, hop-by-hop headers, and those
/// Svix refuses too.
const DENIED: [&str; 26] = [
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "content-language",
    "content-location",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "upgrade",
    "expect",
    "user-agent",
    "age",
    "cache-control",
    "clear-site-data",
    "expires",
    "pragma",
    "warning",
    "date",
    "via",
];

/// Prefixes no endpoint may use: the signature headers (Standard Webhooks and Svix) and the ones cloud
/// load balancers reserve.
const DENIED_PREFIXES: [&str; 11] =
    ["webhook-", "svix-", "x-svix-", "x-amz-", "x-amzn-", "x-google", "x-goog-", "x-gfe", "x-azure-", "x-fd-", ":"];

/// Headers whose values are credentials: always secret.
const CREDENTIALS: [&str; 5] = ["authorization", "x-api-key", "x-auth-token", "cookie", "www-authenticate"];

/// One custom header in a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointHeaderInput {
    /// A header name (letters, digits and ``!#$%&'*+-.^_`|~``), at most 256 characters.
    pub name: String,
    /// At most 4096 printable ASCII characters, no line breaks. Required for a new header; left out on an update, the
    /// header keeps its stored value.
    pub value: Option<String>,
    /// Default true: the value is never shown again. Credential headers (`Authorization`,
    /// `X-Api-Key`, `X-Auth-Token`, `Cookie`) are always secret.
    pub secret: Option<bool>,
}

/// One custom header as the API shows it (and as the Svix backend records it in the endpoint's
/// metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointHeaderView {
    pub name: String,
    /// `null` when the header is secret.
    pub value: Option<String>,
    pub secret: bool,
}

/// A header as validated from a request: `value` is `None` where the stored value is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointHeader {
    pub name: String,
    pub value: Option<String>,
    pub secret: bool,
}

impl EndpointHeader {
    pub fn view(&self) -> EndpointHeaderView {
        EndpointHeaderView {
            name: self.name.clone(),
            value: if self.secret { None } else { self.value.clone() },
            secret: self.secret,
        }
    }
}

/// Whether `name` (any case) is a credential header, whose value is always secret.
pub fn is_credential(name: &str) -> bool {
    CREDENTIALS.contains(&name.to_ascii_lowercase().as_str())
}

/// Validates `input` (`require_values`: every header must carry its value, as on creation); every
/// problem is pushed to `errors` with its position.
pub fn parse_headers(
    input: &[EndpointHeaderInput],
    require_values: bool,
    errors: &mut Vec<FieldError>,
) -> Vec<EndpointHeader> {
    if input.len() > MAX_HEADERS {
        errors.push(FieldError::new("body.headers", "at most 20 headers", Some(Value::from(input.len()))));
        return Vec::new();
    }
    let mut headers: Vec<EndpointHeader> = Vec::with_capacity(input.len());
    for (index, header) in input.iter().enumerate() {
        let at = |field: &str| format!("body.headers[{index}].{field}");
        if let Err(reason) = check_name(&header.name) {
            errors.push(FieldError::new(at("name"), reason, Some(Value::from(header.name.as_str()))));
        } else if headers.iter().any(|seen| seen.name.eq_ignore_ascii_case(&header.name)) {
            errors.push(FieldError::new(at("name"), "appears twice", Some(Value::from(header.name.as_str()))));
        }
        match &header.value {
            Some(value) => {
                if let Err(reason) = check_value(value) {
                    errors.push(FieldError::new(at("value"), reason, None));
                }
            }
            None if require_values => errors.push(FieldError::new(at("value"), "required for a new header", None)),
            None => {}
        }
        let credential = is_credential(&header.name);
        if credential && header.secret == Some(false) {
            errors.push(FieldError::new(
                at("secret"),
                "a credential header is always secret",
                Some(Value::from(false)),
            ));
        }
        headers.push(EndpointHeader {
            name: header.name.clone(),
            value: header.value.clone(),
            secret: credential || header.secret.unwrap_or(true),
        });
    }
    headers
}

/// `headers` with each value left out taken from the header of the same name in `stored`, with its
/// secrecy (a kept value is shown only if it was, and stays shown if it was); the name of the first
/// header that has no value either way is the error.
pub fn keep_stored_values(
    headers: Vec<EndpointHeader>,
    stored: &[EndpointHeader],
) -> Result<Vec<EndpointHeader>, String> {
    headers
        .into_iter()
        .map(|mut header| {
            if header.value.is_none()
                && let Some(old) = stored.iter().find(|old| old.name.eq_ignore_ascii_case(&header.name))
            {
                header.value = old.value.clone();
                header.secret = old.secret;
            }
            if header.value.is_some() { Ok(header) } else { Err(header.name) }
        })
        .collect()
}

fn check_name(name: &str) -> Result<(), &'static str> {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || name.len() > MAX_NAME || !name.chars().all(is_token_char) {
        return Err("must be a header name: 1 to 256 letters, digits or !#$%&'*+-.^_`|~");
    }
    let lower = name.to_ascii_lowercase();
    if DENIED.contains(&lower.as_str()) || DENIED_PREFIXES.iter().any(|prefix| lower.starts_with(prefix)) {
        return Err("is set by the delivery itself (or reserved by gateways) and cannot be overridden");
    }
    Ok(())
}

fn check_value(value: &str) -> Result<(), &'static str> {
    let allowed = |c: char| c == '\t' || (' '..='~').contains(&c);
    if value.len() > MAX_VALUE || !value.chars().all(allowed) {
        return Err("must be at most 4096 printable ASCII characters (no line breaks)");
    }
    Ok(())
}

#[cfg(test)]
#[path = "webhook_headers_tests.rs"]
mod tests;
