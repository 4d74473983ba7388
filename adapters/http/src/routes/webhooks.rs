//! `/api/webhooks`: endpoints (CRUD, secret rotation), the delivery history, message inspection and
//! resend — the same contract whichever backend delivers.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, OptionalApiJson, PageQuery, query_instant};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::page::Paged;
use kaiten_contract::webhook::{
    DeliveryAttempt, NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointChanges, WebhookMessage,
};
use kaiten_contract::webhook_operations::SecretRotationRequest;
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook::{AttemptPage, AttemptStatus, HistoryFilter};
use kaiten_domain::{EventKind, FieldError, Page, ValidationErrors};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(get_endpoint, update_endpoint, delete_endpoint))
        .routes(routes!(rotate_secret))
        .routes(routes!(get_secret))
        .routes(routes!(history))
        .routes(routes!(get_message))
        .routes(routes!(resend_message))
}

/// The organization's webhook endpoints, newest first; secrets are masked.
#[utoipa::path(get, path = "/api/webhooks", tag = "webhooks", params(PageQuery),
    responses((status = 200, body = Paged<WebhookEndpoint>), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn list_endpoints(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<WebhookEndpoint>>, Problem> {
    Ok(Json(state.use_cases.webhooks.list(&caller, query.page()?).await?.into()))
}

/// Creates an endpoint (https only; no private, loopback, link-local or metadata address) and
/// returns it with its `whsec_` signing secret.
#[utoipa::path(post, path = "/api/webhooks", tag = "webhooks", request_body = NewWebhookEndpoint,
    responses((status = 201, body = WebhookEndpoint, headers(("location" = String, description = "The endpoint's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn create_endpoint(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewWebhookEndpoint>,
) -> Result<impl IntoResponse, Problem> {
    let endpoint = state.use_cases.webhooks.create(&caller, input.into()).await?;
    let location = format!("/api/webhooks/{}", endpoint.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(WebhookEndpoint::from(endpoint))))
}

/// One endpoint; its signing secret masked (see `/api/webhooks/{id}/secret`).
#[utoipa::path(get, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = WebhookEndpoint), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn get_endpoint(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<WebhookEndpoint>, Problem> {
    Ok(Json(state.use_cases.webhooks.get(&caller, &EndpointRef::new(id)).await?.into()))
}

/// The endpoint's signing secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct EndpointSecret {
    /// `whsec_…`: verifies the `webhook-signature` of the endpoint's deliveries.
    signing_secret: String,
}

/// The endpoint's signing secret in plain. Needs `write:webhooks`: a read-only token sees it masked.
#[utoipa::path(get, path = "/api/webhooks/{id}/secret", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = EndpointSecret), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn get_secret(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<EndpointSecret>, Problem> {
    Ok(Json(EndpointSecret { signing_secret: state.use_cases.webhooks.secret(&caller, &EndpointRef::new(id)).await? }))
}

/// Updates an endpoint (omitted fields keep their value); `disabled: false` re-enables it.
#[utoipa::path(put, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    request_body = WebhookEndpointChanges,
    responses((status = 200, body = WebhookEndpoint), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn update_endpoint(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<WebhookEndpointChanges>,
) -> Result<Json<WebhookEndpoint>, Problem> {
    Ok(Json(state.use_cases.webhooks.update(&caller, &EndpointRef::new(id), changes.into()).await?.into()))
}

/// Deletes an endpoint and its delivery history.
#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn delete_endpoint(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.use_cases.webhooks.delete(&caller, &EndpointRef::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new signing secret; the previous one keeps signing (a second signature) for `overlapSeconds`,
/// 24 hours when the body or the field is left out. The Svix backend keeps it 24 hours, always:
/// another overlap is refused there (409 `not_supported_by_backend`).
#[utoipa::path(post, path = "/api/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = String, Path)),
    request_body = Option<SecretRotationRequest>,
    responses((status = 200, body = WebhookEndpoint), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn rotate_secret(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    OptionalApiJson(request): OptionalApiJson<SecretRotationRequest>,
) -> Result<Json<WebhookEndpoint>, Problem> {
    Ok(Json(
        state.use_cases.webhooks.rotate_secret(&caller, &EndpointRef::new(id), request.map(Into::into)).await?.into(),
    ))
}

/// Filters of the delivery history.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HistoryQuery {
    endpoint_id: Option<String>,
    /// A catalog event name.
    event_name: Option<String>,
    /// `success`, `pending`, `fail` or `sending`.
    status: Option<String>,
    /// RFC 3339; attempts strictly before.
    before: Option<String>,
    /// RFC 3339; attempts strictly after.
    after: Option<String>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// Default 0.
    #[param(minimum = 0)]
    offset: Option<i64>,
    /// The previous page's `nextCursor`.
    #[param(max_length = 200)]
    cursor: Option<String>,
}

fn invalid(location: &str, message: &str, value: &str) -> FieldError {
    FieldError::new(location, message, Some(Value::from(value)))
}

impl HistoryQuery {
    fn filter(self) -> Result<HistoryFilter, Problem> {
        let mut errors = Vec::new();
        let event = self.event_name.as_deref().and_then(|name| {
            let kind = EventKind::from_name(name);
            if kind.is_none() {
                errors.push(invalid("query.eventName", "not an event name of the catalog", name));
            }
            kind
        });
        let status = self.status.as_deref().and_then(|raw| {
            let status = AttemptStatus::parse(raw);
            if status.is_none() {
                errors.push(invalid("query.status", "must be success, pending, fail or sending", raw));
            }
            status
        });
        let before = query_instant("query.before", self.before.as_deref(), &mut errors);
        let after = query_instant("query.after", self.after.as_deref(), &mut errors);
        let page = match Page::parse(self.limit, self.offset, self.cursor.as_deref()) {
            Ok(page) => page,
            Err(ValidationErrors(page_errors)) => {
                errors.extend(page_errors);
                Page::default()
            }
        };
        if !errors.is_empty() {
            return Err(Problem::validation(ValidationErrors(errors)));
        }
        Ok(HistoryFilter { endpoint_id: self.endpoint_id.map(EndpointRef::new), event, status, before, after, page })
    }
}

/// Delivery attempts, newest first.
#[utoipa::path(get, path = "/api/webhooks/history", tag = "webhooks", params(HistoryQuery),
    responses((status = 200, body = Paged<DeliveryAttempt>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn history(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<Paged<DeliveryAttempt>>, Problem> {
    Ok(Json(state.use_cases.webhooks.history(&caller, query.filter()?).await?.into()))
}

fn event_id(raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| Problem::not_found("webhook message"))
}

/// Which attempts of a message to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AttemptsQuery {
    /// Attempts to show, newest first: 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// Only attempts older than this attempt id (the `moreAttemptsBefore` of the previous page).
    before: Option<String>,
}

/// The message delivered for one event (the exact body) and one page of its attempts, newest first.
#[utoipa::path(get, path = "/api/webhooks/messages/{eventId}", tag = "webhooks",
    params(("eventId" = String, Path, description = "The event's outbox id"), AttemptsQuery),
    responses((status = 200, body = WebhookMessage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn get_message(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    ApiQuery(query): ApiQuery<AttemptsQuery>,
) -> Result<Json<WebhookMessage>, Problem> {
    let page = AttemptPage::parse(query.limit, query.before).map_err(Problem::validation)?;
    Ok(Json(state.use_cases.webhooks.message(&caller, event_id(&raw)?, page).await?.into()))
}

/// The body of a resend: one endpoint, or every enabled endpoint subscribed to the event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResendRequest {
    endpoint_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct ResendAccepted {
    /// How many attempts were queued.
    queued: usize,
}

/// Queues a new attempt now (409 when the endpoint is disabled, when a test message is resent to every
/// subscriber, or when an operational event is resent to the endpoint it is about). A message can be
/// resent a few times a minute (`KAITEN_WEBHOOKS_RESENDS_PER_MINUTE`, 5 by default): 429 with
/// `Retry-After` beyond.
#[utoipa::path(post, path = "/api/webhooks/messages/{eventId}/resend", tag = "webhooks",
    params(("eventId" = String, Path, description = "The event's outbox id")), request_body = ResendRequest,
    responses((status = 202, body = ResendAccepted), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("retry-after" = u32, description = "Seconds until the message can be resent again"))),
        (status = 503, body = Problem)),
    security(("bearer" = ["write:webhooks"])))]
async fn resend_message(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    ApiJson(request): ApiJson<ResendRequest>,
) -> Result<impl IntoResponse, Problem> {
    let queued =
        state.use_cases.webhooks.resend(&caller, event_id(&raw)?, request.endpoint_id.map(EndpointRef::new)).await?;
    Ok((StatusCode::ACCEPTED, Json(ResendAccepted { queued })))
}
