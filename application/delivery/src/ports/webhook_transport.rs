//! One signed HTTP request to an endpoint and what came back: the port the built-in engine makes its
//! attempts through (reqwest with the address guard in production).

use crate::endpoint::{SigningSecret, WebhookUrl};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// One signed POST.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRequest {
    pub url: WebhookUrl,
    /// `webhook-id`: the same for every attempt of one message.
    pub message_id: String,
    pub timestamp: DateTime<Utc>,
    pub body: String,
    /// Every secret that signs (two during a rotation's overlap).
    pub secrets: Vec<SigningSecret>,
    /// The endpoint's custom headers (name, value).
    pub headers: Vec<(String, String)>,
}

/// What came back (or why nothing did).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookResponse {
    pub status_code: Option<u16>,
    /// The response body's bytes as they came (any bytes: binary, NUL, invalid UTF-8), or the error
    /// when there was no response; at most 20 KB.
    pub body: Vec<u8>,
    pub duration: Duration,
    /// The SSRF guard refused the address: no request was made.
    pub refused: bool,
    /// A 429 or 503 answer's `Retry-After`: how long the endpoint asked to be left alone.
    pub retry_after: Option<Duration>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    async fn post(&self, request: WebhookRequest) -> WebhookResponse;
}
