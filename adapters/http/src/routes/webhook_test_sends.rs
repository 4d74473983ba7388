//! `POST /api/webhooks/{id}/test`: the catalog's example of an event, delivered to that endpoint
//! alone, signed like any other message and marked `"test": true`. Needs `write:webhooks`.

use crate::auth::Authenticated;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::webhook_operations::{TestSendAccepted, TestSendRequest};
use kaiten_domain::webhook::EndpointRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_test))
}

/// Queues a test send; `Location` (built-in engine) is the message, whose attempts show the answer
/// as soon as it is recorded. On Svix the message has no event id: its attempt appears in the
/// history. 409 when the endpoint is disabled; an endpoint gets a few test sends a minute
/// (`KAITEN_WEBHOOKS_RESENDS_PER_MINUTE`, 5 by default): 429 with `Retry-After` beyond.
#[utoipa::path(post, path = "/api/webhooks/{id}/test", tag = "webhooks", params(("id" = String, Path)),
    request_body = TestSendRequest,
    responses((status = 202, body = TestSendAccepted, headers(("location" = String, description = "The test message's URL (built-in engine)"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("retry-after" = u32, description = "Seconds until the endpoint takes a test send again"))),
        (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn send_test(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<TestSendRequest>,
) -> Result<impl IntoResponse, Problem> {
    let sent = state.use_cases.webhooks.send_test(&caller, &EndpointRef::new(id), request.into()).await?;
    let mut headers = HeaderMap::new();
    let location = sent.event_id.as_ref().map(|event_id| format!("/api/webhooks/messages/{event_id}"));
    if let Some(location) = location.and_then(|location| HeaderValue::from_str(&location).ok()) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::ACCEPTED, headers, Json(TestSendAccepted::from(sent))))
}
