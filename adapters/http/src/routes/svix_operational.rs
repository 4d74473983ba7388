//! `POST /api/svix/operational-webhooks`: where a Svix server sends its operational webhooks
//! (`endpoint.disabled`, `message.attempt.exhausted`, …), which Kaiten turns into its operational
//! events on the Svix backend.
//!
//! Off unless `SVIX_OPERATIONAL_WEBHOOK_SECRET` is set: only then is the route there at all. Only
//! the Svix server may call it: every request must carry a Standard Webhooks signature (`svix-*` or
//! `webhook-*` headers) made with that secret, and a timestamp within five minutes.

use crate::problem::Problem;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kaiten_application::ports::operational_events::{InboxError, InboxOutcome, SignedWebhook};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes, present only when the inbox is configured.
pub(crate) fn routes(enabled: bool) -> OpenApiRouter<AppState> {
    if enabled { OpenApiRouter::new().routes(routes!(receive)) } else { OpenApiRouter::new() }
}

/// The header `name` in its Standard Webhooks spelling (`webhook-…`) or Svix's (`svix-…`).
fn signature_header(headers: &HeaderMap, name: &str) -> String {
    [format!("webhook-{name}"), format!("svix-{name}")]
        .iter()
        .find_map(|header| headers.get(header.as_str()).and_then(|value| value.to_str().ok()))
        .unwrap_or_default()
        .to_owned()
}

/// One operational webhook of the Svix server. 204 once it is recorded (or ignored: a kind Kaiten
/// does not report, an application that is no organization's); 401 when the signature does not
/// verify; 400 when a signed body is not an operational webhook; 503 while the database or Svix is
/// unavailable (Svix tries again).
#[utoipa::path(post, path = "/api/svix/operational-webhooks", tag = "webhooks",
    request_body(content = Object, content_type = "application/json"),
    params(
        ("svix-id" = String, Header, description = "The webhook's id (or `webhook-id`)"),
        ("svix-timestamp" = String, Header, description = "Unix seconds (or `webhook-timestamp`)"),
        ("svix-signature" = String, Header, description = "`v1,<base64 HMAC-SHA256>` (or `webhook-signature`)")),
    responses((status = 204, description = "Recorded, or ignored"), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 413, body = Problem), (status = 503, body = Problem)))]
async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Problem> {
    let Some(inbox) = &state.svix_operational else { return Err(Problem::not_found("route")) };
    let webhook = SignedWebhook {
        id: signature_header(&headers, "id"),
        timestamp: signature_header(&headers, "timestamp"),
        signature: signature_header(&headers, "signature"),
        body: body.to_vec(),
    };
    match inbox.receive(webhook).await {
        Ok(outcome) => {
            if outcome == InboxOutcome::Recorded {
                tracing::info!("a Svix operational webhook was recorded as an operational event");
            }
            Ok(StatusCode::NO_CONTENT)
        }
        Err(InboxError::Unauthenticated(reason)) => {
            tracing::warn!(%reason, "a Svix operational webhook was refused");
            Err(Problem::new(StatusCode::UNAUTHORIZED, "invalid_signature", "the webhook's signature does not verify"))
        }
        Err(InboxError::Invalid(reason)) => Err(Problem::new(StatusCode::BAD_REQUEST, "invalid_body", reason)),
        Err(InboxError::Unavailable(reason)) => {
            tracing::warn!(%reason, "a Svix operational webhook could not be recorded now");
            Err(Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again later").retry_after(30))
        }
    }
}
