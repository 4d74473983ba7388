//! `/api/entitlements`: list, create, get, update, delete.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::entitlement::{Entitlement, EntitlementUpdate, NewEntitlement};
use kaiten_contract::page::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_entitlements, create_entitlement)).routes(routes!(
        get_entitlement,
        update_entitlement,
        delete_entitlement
    ))
}

/// The organization's entitlements, newest first.
#[utoipa::path(get, path = "/api/entitlements", tag = "entitlements", params(PageQuery),
    responses((status = 200, body = Paged<Entitlement>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:entitlements"])))]
async fn list_entitlements(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<Entitlement>>, Problem> {
    Ok(Json(state.use_cases.list_entitlements.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a entitlement; emits ENTITLEMENT_CREATION.
#[utoipa::path(post, path = "/api/entitlements", tag = "entitlements", request_body = NewEntitlement,
    responses((status = 201, body = Entitlement, headers(("location" = String, description = "The entitlement's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:entitlements"])))]
async fn create_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewEntitlement>,
) -> Result<impl IntoResponse, Problem> {
    let entitlement = state.use_cases.create_entitlement.execute(&caller, input.into()).await?;
    let location = format!("/api/entitlements/{}", entitlement.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(entitlement.to_wire())))
}

/// One entitlement.
#[utoipa::path(get, path = "/api/entitlements/{slug}", tag = "entitlements", params(("slug" = String, Path)),
    responses((status = 200, body = Entitlement), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:entitlements"])))]
async fn get_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Entitlement>, Problem> {
    let slug = path_slug(&slug, "entitlement")?;
    Ok(Json(state.use_cases.get_entitlement.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces an entitlement's definition (a full replacement; its type, metering and reset cannot change);
/// emits ENTITLEMENT_UPDATE.
#[utoipa::path(put, path = "/api/entitlements/{slug}", tag = "entitlements", params(("slug" = String, Path)),
    request_body = EntitlementUpdate,
    responses((status = 200, body = Entitlement), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:entitlements"])))]
async fn update_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(changes): ApiJson<EntitlementUpdate>,
) -> Result<Json<Entitlement>, Problem> {
    let slug = path_slug(&slug, "entitlement")?;
    Ok(Json(state.use_cases.update_entitlement.execute(&caller, &slug, changes.into()).await?.to_wire()))
}

/// Deletes a entitlement (409 while it is assigned to a license); emits ENTITLEMENT_DELETION.
#[utoipa::path(delete, path = "/api/entitlements/{slug}", tag = "entitlements", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:entitlements"])))]
async fn delete_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "entitlement")?;
    state.use_cases.delete_entitlement.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
