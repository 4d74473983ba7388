//! What the transport tests share: secrets, requests and transports.

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use kaiten_delivery::ports::delivery::WebhookRequest;
use kaiten_delivery::{SigningSecret, WebhookUrl};
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_webhook_http::{HttpWebhookTransport, TransportTimeouts};
use std::time::Duration;

pub const BODY: &str = r#"{"type":"organization.created","data":{"id":"3f1c","name":"Acme \u00e9"}}"#;

/// A `whsec_` secret made from `seed`.
pub fn secret(seed: &str) -> String {
    format!("whsec_{}", STANDARD.encode(format!("test-secret-{seed}-0123456789abcdef")))
}

pub fn request(url: String, secrets: Vec<String>) -> WebhookRequest {
    WebhookRequest {
        url: WebhookUrl::stored(url),
        message_id: "msg_2vqYgUQk8bXJ3M5zK1".into(),
        timestamp: Utc::now(),
        body: BODY.into(),
        secrets: secrets.into_iter().map(SigningSecret::new).collect(),
        headers: vec![],
    }
}

pub fn transport(allow_private: bool) -> HttpWebhookTransport {
    transport_with(allow_private, TransportTimeouts::default())
}

pub fn transport_with(allow_private: bool, timeouts: TransportTimeouts) -> HttpWebhookTransport {
    HttpWebhookTransport::new(UrlPolicy { allow_private }, timeouts)
        .unwrap_or_else(|error| panic!("cannot build the transport: {error}"))
}

pub fn short_total(total: Duration) -> TransportTimeouts {
    TransportTimeouts { total, ..TransportTimeouts::default() }
}
