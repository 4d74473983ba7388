//! `/api/releases`: list, create, get, delete (releases are immutable: no update).

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::page::Paged;
use kaiten_contract::release::{NewRelease, Release};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_releases, create_release)).routes(routes!(get_release, delete_release))
}

/// The organization's releases, newest first.
#[utoipa::path(get, path = "/api/releases", tag = "releases", params(PageQuery),
    responses((status = 200, body = Paged<Release>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:releases"])))]
async fn list_releases(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<Release>>, Problem> {
    Ok(Json(state.use_cases.list_releases.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a release; emits RELEASE_CREATION.
#[utoipa::path(post, path = "/api/releases", tag = "releases", request_body = NewRelease,
    responses((status = 201, body = Release, headers(("location" = String, description = "The release's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:releases"])))]
async fn create_release(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewRelease>,
) -> Result<impl IntoResponse, Problem> {
    let release = state.use_cases.create_release.execute(&caller, input.into()).await?;
    let location = format!("/api/releases/{}", release.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(release.to_wire())))
}

/// One release.
#[utoipa::path(get, path = "/api/releases/{slug}", tag = "releases", params(("slug" = String, Path)),
    responses((status = 200, body = Release), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:releases"])))]
async fn get_release(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Release>, Problem> {
    let slug = path_slug(&slug, "release")?;
    Ok(Json(state.use_cases.get_release.execute(&caller, &slug).await?.to_wire()))
}

/// Deletes a release (409 while a deployment zone runs it); emits RELEASE_DELETION.
#[utoipa::path(delete, path = "/api/releases/{slug}", tag = "releases", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:releases"])))]
async fn delete_release(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "release")?;
    state.use_cases.delete_release.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
