//! Kaiten's webhook HTTP adapter: the `WebhookTransport` port of the built-in delivery engine. It
//! makes one signed POST per attempt (Standard Webhooks / Svix headers, signed by the svix crate)
//! over a pooled reqwest client that never follows redirects nor uses a proxy, keeps at most 20 KB
//! of the answer, and lets no request reach an address the SSRF policy refuses: literal addresses
//! are checked before sending, host names on every address they resolve to.

mod exchange;
pub mod guard;
mod signing;
mod tls;

pub use exchange::MAX_RESPONSE_BODY;
pub use signing::{SigningError, signature_header};

use async_trait::async_trait;
use exchange::{Exchange, exchange};
use guard::GuardedResolver;
use kaiten_delivery::ports::delivery::{WebhookRequest, WebhookResponse, WebhookTransport};
use kaiten_domain::webhook_url::UrlPolicy;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Counter of attempts, labelled `outcome` = `success` (2xx), `failure` (any other status, no
/// answer, or not sent) or `refused` (by the SSRF guard).
pub const DELIVERIES_METRIC: &str = "kaiten_webhook_deliveries_total";
/// Histogram of the wall time of the attempts that were sent, in seconds.
pub const DURATION_METRIC: &str = "kaiten_webhook_delivery_duration_seconds";

const USER_AGENT: &str = concat!("Kaiten-Webhooks/", env!("CARGO_PKG_VERSION"));

/// How long an attempt may take: to connect, and in all (connect, send, and read the answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportTimeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for TransportTimeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(5), total: Duration::from_secs(15) }
    }
}

/// Why the transport could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TransportBuildError {
    #[error("cannot configure TLS for webhook deliveries: {0}")]
    Tls(#[from] rustls::Error),
    #[error("cannot build the webhook HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// Requests in flight at once per process unless configured otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;

/// The webhook transport; one per process (its client pools keep-alive connections). Cloning is
/// cheap and shares the pool and the cap on requests in flight: whatever the fan-out, at most that
/// many requests (and sockets) are open at once; the others wait their turn.
#[derive(Debug, Clone)]
pub struct HttpWebhookTransport {
    client: reqwest::Client,
    policy: UrlPolicy,
    timeouts: TransportTimeouts,
    in_flight: Arc<tokio::sync::Semaphore>,
}

/// Makes aws-lc-rs the process's default rustls provider (the backend the rest of the process already
/// uses), so that any other rustls client in the process (reqwest's default one included) can be
/// built. Idempotent; a provider installed earlier is kept.
pub fn install_default_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

impl HttpWebhookTransport {
    pub fn new(policy: UrlPolicy, timeouts: TransportTimeouts) -> Result<Self, TransportBuildError> {
        install_default_crypto_provider();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls::client_config()?)
            .dns_resolver(Arc::new(GuardedResolver::new(policy)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(timeouts.connect)
            .user_agent(USER_AGENT)
            .build()?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(DEFAULT_MAX_IN_FLIGHT));
        Ok(Self { client, policy, timeouts, in_flight })
    }

    /// At most `max` requests in flight at once (at least 1).
    pub fn with_max_in_flight(mut self, max: usize) -> Self {
        self.in_flight = Arc::new(tokio::sync::Semaphore::new(max.max(1)));
        self
    }

    pub fn policy(&self) -> UrlPolicy {
        self.policy
    }

    pub fn timeouts(&self) -> TransportTimeouts {
        self.timeouts
    }

    /// The signed request, or why it is not sent.
    fn prepare(&self, request: WebhookRequest) -> Result<reqwest::RequestBuilder, Exchange> {
        // A literal address is connected to without the resolver, so it is judged here.
        let url = self
            .policy
            .check_destination(request.url.as_str())
            .map_err(|reason| Exchange::Refused(reason.to_string()))?;
        let timestamp = request.timestamp.timestamp();
        let secrets: Vec<&str> = request.secrets.iter().map(|secret| secret.expose()).collect();
        let signature = signature_header(&request.message_id, timestamp, &request.body, &secrets)
            .map_err(|error| Exchange::NotSent(error.to_string()))?;
        let headers = delivery_headers(&request.headers, &request.message_id, timestamp, &signature)?;
        Ok(self.client.post(url).headers(headers).body(request.body))
    }
}

/// The endpoint's custom headers, then the content type and the signature headers, which always win
/// (validation already refuses custom headers of those names).
fn delivery_headers(
    custom: &[(String, String)],
    message_id: &str,
    timestamp: i64,
    signature: &str,
) -> Result<HeaderMap, Exchange> {
    let value = |text: &str, what: &str| {
        HeaderValue::from_str(text).map_err(|_| Exchange::NotSent(format!("the {what} is not a valid header value")))
    };
    let mut headers = HeaderMap::new();
    for (name, text) in custom {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Exchange::NotSent(format!("the custom header name `{name}` is not valid")))?;
        headers.insert(name, value(text, "custom header")?);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let values = [
        (signing::ID_HEADERS, value(message_id, "message id")?),
        (signing::TIMESTAMP_HEADERS, HeaderValue::from(timestamp)),
        (signing::SIGNATURE_HEADERS, value(signature, "signature")?),
    ];
    for (names, value) in values {
        for name in names {
            headers.insert(name, value.clone());
        }
    }
    Ok(headers)
}

#[async_trait]
impl WebhookTransport for HttpWebhookTransport {
    async fn post(&self, request: WebhookRequest) -> WebhookResponse {
        // The semaphore is never closed; should it be, the request goes out unbounded rather than not at all.
        let _turn = self.in_flight.acquire().await.ok();
        let started = Instant::now();
        let outcome = match self.prepare(request) {
            Ok(builder) => exchange(builder, started + self.timeouts.total, self.timeouts).await,
            Err(not_sent) => not_sent,
        };
        let duration = started.elapsed();
        record_metrics(&outcome, duration);
        match outcome {
            Exchange::Answered { status, body, retry_after } => {
                WebhookResponse { status_code: Some(status), body, duration, refused: false, retry_after }
            }
            Exchange::NoAnswer(error) => WebhookResponse {
                status_code: None,
                body: error.into_bytes(),
                duration,
                refused: false,
                retry_after: None,
            },
            Exchange::NotSent(reason) => WebhookResponse {
                status_code: None,
                body: format!("not sent: {reason}").into_bytes(),
                duration,
                refused: false,
                retry_after: None,
            },
            Exchange::Refused(reason) => WebhookResponse {
                status_code: None,
                body: reason.into_bytes(),
                duration,
                refused: true,
                retry_after: None,
            },
        }
    }
}

fn record_metrics(outcome: &Exchange, duration: Duration) {
    let label = match outcome {
        Exchange::Answered { status, .. } if (200..300).contains(status) => "success",
        Exchange::Refused(_) => "refused",
        _ => "failure",
    };
    metrics::counter!(DELIVERIES_METRIC, "outcome" => label).increment(1);
    if matches!(outcome, Exchange::Answered { .. } | Exchange::NoAnswer(_)) {
        metrics::histogram!(DURATION_METRIC).record(duration.as_secs_f64());
    }
}
