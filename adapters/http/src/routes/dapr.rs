//! Dapr-compatible ingress: a Dapr sidecar with a `pubsub.rabbitmq` component can replace the built-in
//! consumer. `GET /dapr/subscribe` advertises the topic; `POST /events` takes what Dapr posts and
//! answers `SUCCESS`, `RETRY` or `DROP` through the same dispatch use case as the consumer.

use crate::routes::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use kaiten_application::use_cases::dispatch_event::DispatchOutcome;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The pub/sub component name a Dapr deployment uses for Kaiten.
pub const PUBSUB_NAME: &str = "rabbitmq-pubsub";

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(subscribe)).routes(routes!(events))
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
#[utoipa::path(get, path = "/dapr/subscribe", tag = "dapr", responses((status = 200, body = Vec<Subscription>)))]
async fn subscribe(State(state): State<AppState>) -> Json<Vec<Subscription>> {
    Json(vec![Subscription { pubsubname: PUBSUB_NAME, topic: state.dapr_topic.clone(), route: "/events" }])
}

/// One event delivered by Dapr (the relay's CloudEvent). Always 200; the status tells Dapr whether to
/// consider it handled (`SUCCESS`), redeliver it (`RETRY`) or drop it to its dead-letter topic (`DROP`).
#[utoipa::path(post, path = "/events", tag = "dapr", request_body(content = Object, content_type = "application/cloudevents+json"),
    responses((status = 200, body = DaprResponse)))]
async fn events(State(state): State<AppState>, body: Bytes) -> Json<DaprResponse> {
    let status = match &state.dispatch {
        None => {
            tracing::warn!("an event arrived through Dapr, but no webhook sender is configured");
            DaprStatus::Retry
        }
        Some(dispatch) => match dispatch.execute(&body).await {
            DispatchOutcome::Delivered | DispatchOutcome::Ignored => DaprStatus::Success,
            DispatchOutcome::Retry { reason, .. } => {
                tracing::info!(%reason, "asking Dapr to redeliver");
                DaprStatus::Retry
            }
            DispatchOutcome::Rejected { reason } => {
                tracing::warn!(%reason, "asking Dapr to drop an event that can never be processed");
                DaprStatus::Drop
            }
        },
    };
    Json(DaprResponse { status })
}
