//! Recovery without code: `POST /api/webhooks/{id}/recover` sends again the endpoint's failed
//! messages of a window, `POST /api/webhooks/{id}/replay` the ones it never had; each answers 202 with
//! a task whose progress `GET /api/webhooks/recoveries/{taskId}` shows. Starting needs
//! `write:webhooks`, reading `read:webhooks`.

use crate::auth::Authenticated;
use crate::extract::ApiJson;
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::webhook_operations::{RecoveryRequest, RecoveryTask};
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook_recovery::RecoveryKind;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recover_failed)).routes(routes!(replay_missing)).routes(routes!(get_recovery))
}

async fn start(
    state: AppState,
    caller: kaiten_application::caller::Caller,
    id: String,
    kind: RecoveryKind,
    request: RecoveryRequest,
) -> Result<impl IntoResponse, Problem> {
    let task = state.use_cases.recoveries.start(&caller, &EndpointRef::new(id), kind, request.into()).await?;
    let location = format!("/api/webhooks/recoveries/{}", task.id);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(RecoveryTask::from(task))))
}

/// Sends again every message whose delivery to this endpoint failed (its attempts ran out) among the
/// messages of the window (at most 14 days, up to 1,000 messages a request; `more` says to ask
/// again). Each goes through the endpoint's one delivery chain, so recovering twice never sends a
/// message twice at once. 409 when the endpoint is disabled.
#[utoipa::path(post, path = "/api/webhooks/{id}/recover", tag = "webhooks", params(("id" = String, Path)),
    request_body = RecoveryRequest,
    responses((status = 202, body = RecoveryTask, headers(("location" = String, description = "The task's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn recover_failed(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RecoveryRequest>,
) -> Result<impl IntoResponse, Problem> {
    start(state, caller, id, RecoveryKind::Recover, request).await
}

/// Delivers the messages of the window that this endpoint receives but was never sent (it was
/// created, re-scoped or enabled after them), within the messages' retention; the same bounds as a
/// recovery. 409 when the endpoint is disabled, or when the Svix server cannot replay.
#[utoipa::path(post, path = "/api/webhooks/{id}/replay", tag = "webhooks", params(("id" = String, Path)),
    request_body = RecoveryRequest,
    responses((status = 202, body = RecoveryTask, headers(("location" = String, description = "The task's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn replay_missing(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RecoveryRequest>,
) -> Result<impl IntoResponse, Problem> {
    start(state, caller, id, RecoveryKind::Replay, request).await
}

/// A recovery or replay and how far it got.
#[utoipa::path(get, path = "/api/webhooks/recoveries/{taskId}", tag = "webhooks",
    params(("taskId" = String, Path)),
    responses((status = 200, body = RecoveryTask), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn get_recovery(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
) -> Result<Json<RecoveryTask>, Problem> {
    let id = Uuid::parse_str(&raw).map_err(|_| Problem::not_found("webhook recovery"))?;
    Ok(Json(state.use_cases.recoveries.get(&caller, id).await?.into()))
}
