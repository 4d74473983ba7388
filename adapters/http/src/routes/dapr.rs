//! Dapr-compatible ingress: a Dapr sidecar with a `pubsub.rabbitmq` component can replace the built-in
//! consumer. `GET /dapr/subscribe` advertises the topic; `POST /events` takes what Dapr posts and
//! answers `SUCCESS`, `RETRY` or `DROP` through the same dispatch use case as the consumer.
//!
//! Off unless `KAITEN_DAPR_API_TOKEN` is set: only then are the routes there at all, and every request
//! must carry that value in the `dapr-api-token` header (Dapr's `APP_API_TOKEN`), compared in constant
//! time. Only the sidecar may call them.

use crate::problem::Problem;
use crate::state::{AppState, DAPR_TOKEN_HEADER as TOKEN_HEADER};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use kaiten_application::use_cases::dispatch_event::DispatchOutcome;
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The pub/sub component name a Dapr deployment uses for Kaiten.
pub const PUBSUB_NAME: &str = "rabbitmq-pubsub";

/// The routes, present only when the ingress is configured.
pub(crate) fn routes(enabled: bool) -> OpenApiRouter<AppState> {
    if enabled { OpenApiRouter::new().routes(routes!(subscribe)).routes(routes!(events)) } else { OpenApiRouter::new() }
}

/// The calling Dapr sidecar: the request carries the configured token (401 otherwise).
pub(crate) struct Sidecar;

impl FromRequestParts<AppState> for Sidecar {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = state.dapr.as_ref().map(|dapr| dapr.api_token.as_bytes()).unwrap_or_default();
        let sent = parts.headers.get(TOKEN_HEADER).map(|value| value.as_bytes()).unwrap_or_default();
        if expected.is_empty() || !bool::from(sent.ct_eq(expected)) {
            tracing::warn!("a Dapr ingress request without the sidecar's token was refused");
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "invalid_dapr_token",
                "the dapr-api-token header is missing or wrong",
            ));
        }
        Ok(Self)
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Subscription {
    pubsubname: &'static str,
    topic: String,
    route: &'static str,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum DaprStatus {
    Success,
    Retry,
    Drop,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DaprResponse {
    status: DaprStatus,
}

/// The subscriptions of this app, read by the Dapr sidecar at start.
#[utoipa::path(get, path = "/dapr/subscribe", tag = "dapr",
    responses((status = 200, body = Vec<Subscription>), (status = 401, body = Problem)),
    security(("daprApiToken" = [])))]
async fn subscribe(_: Sidecar, State(state): State<AppState>) -> Json<Vec<Subscription>> {
    let topic = state.dapr.as_ref().map(|dapr| dapr.topic.clone()).unwrap_or_default();
    Json(vec![Subscription { pubsubname: PUBSUB_NAME, topic, route: "/events" }])
}

/// Whether the body is one Dapr posts: `application/json` or `application/cloudevents+json`.
fn is_event_content_type(request_headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = request_headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence == "application/cloudevents+json"
}

/// One event delivered by Dapr (the relay's CloudEvent). 200 for every event read; the status tells
/// Dapr whether to consider it handled (`SUCCESS`), redeliver it (`RETRY`) or drop it to its
/// dead-letter topic (`DROP`, with the reason logged): unparsable, unknown organization or event,
/// or an event id already delivered for another organization.
#[utoipa::path(post, path = "/events", tag = "dapr",
    request_body(content = Object, content_type = "application/cloudevents+json"),
    responses((status = 200, body = DaprResponse), (status = 401, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)),
    security(("daprApiToken" = [])))]
async fn events(
    _: Sidecar,
    State(state): State<AppState>,
    request_headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Json<DaprResponse>, Problem> {
    if !is_event_content_type(&request_headers) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "events must be sent as application/cloudevents+json or application/json",
        ));
    }
    let Some(dapr) = &state.dapr else { return Err(Problem::not_found("route")) };
    let status = match dapr.dispatch.execute(&body).await {
        DispatchOutcome::Delivered | DispatchOutcome::Ignored => DaprStatus::Success,
        DispatchOutcome::Retry { reason, .. } | DispatchOutcome::Later { reason, .. } => {
            tracing::info!(%reason, "asking Dapr to redeliver");
            DaprStatus::Retry
        }
        DispatchOutcome::Unavailable { dependency, reason } => {
            tracing::warn!(dependency, %reason, "asking Dapr to redeliver: a dependency is unavailable");
            DaprStatus::Retry
        }
        DispatchOutcome::Rejected { reason } => {
            tracing::warn!(%reason, "asking Dapr to drop an event that can never be processed");
            DaprStatus::Drop
        }
    };
    Ok(Json(DaprResponse { status }))
}
