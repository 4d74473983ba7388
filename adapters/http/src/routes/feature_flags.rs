//! `/api/feature-flags`: list, create, get, replace, delete; `/api/openfeature/v0/manifest`.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::feature_flag::Manifest;
use kaiten_contract::feature_flag::{FeatureFlag, FeatureFlagDefinition};
use kaiten_contract::page::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_feature_flags, create_feature_flag))
        .routes(routes!(get_feature_flag, update_feature_flag, delete_feature_flag))
        .routes(routes!(openfeature_manifest))
}

/// The OpenFeature manifest: every flag's key (its slug), type and default value (of a rollout,
/// the variant it serves most); at most 5,000 flags, the newest.
#[utoipa::path(get, path = "/api/openfeature/v0/manifest", tag = "feature_flags",
    responses((status = 200, body = Manifest), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["read:feature_flags"])))]
async fn openfeature_manifest(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<Manifest>, Problem> {
    Ok(Json(state.use_cases.feature_flag_manifest.execute(&caller).await?.into()))
}

/// The organization's feature flags, newest first.
#[utoipa::path(get, path = "/api/feature-flags", tag = "feature_flags", params(PageQuery),
    responses((status = 200, body = Paged<FeatureFlag>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:feature_flags"])))]
async fn list_feature_flags(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<FeatureFlag>>, Problem> {
    Ok(Json(state.use_cases.list_feature_flags.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a feature flag; emits FEATURE_FLAG_CREATION.
#[utoipa::path(post, path = "/api/feature-flags", tag = "feature_flags", request_body = FeatureFlagDefinition,
    responses((status = 201, body = FeatureFlag, headers(("location" = String, description = "The feature flag's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:feature_flags"])))]
async fn create_feature_flag(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<FeatureFlagDefinition>,
) -> Result<impl IntoResponse, Problem> {
    let flag = state.use_cases.create_feature_flag.execute(&caller, input.into()).await?;
    let location = format!("/api/feature-flags/{}", flag.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(flag.to_wire())))
}

/// One feature flag.
#[utoipa::path(get, path = "/api/feature-flags/{slug}", tag = "feature_flags", params(("slug" = String, Path)),
    responses((status = 200, body = FeatureFlag), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:feature_flags"])))]
async fn get_feature_flag(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<FeatureFlag>, Problem> {
    let slug = path_slug(&slug, "feature flag")?;
    Ok(Json(state.use_cases.get_feature_flag.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces a feature flag's definition (a full replacement: omitted targetings, description,
/// metadata and event name are cleared, `enabled` is true unless given, an omitted slug is kept);
/// emits FEATURE_FLAG_UPDATE.
#[utoipa::path(put, path = "/api/feature-flags/{slug}", tag = "feature_flags", params(("slug" = String, Path)),
    request_body = FeatureFlagDefinition,
    responses((status = 200, body = FeatureFlag), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:feature_flags"])))]
async fn update_feature_flag(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(definition): ApiJson<FeatureFlagDefinition>,
) -> Result<Json<FeatureFlag>, Problem> {
    let slug = path_slug(&slug, "feature flag")?;
    Ok(Json(state.use_cases.update_feature_flag.execute(&caller, &slug, definition.into()).await?.to_wire()))
}

/// Deletes a feature flag ; emits FEATURE_FLAG_DELETION.
#[utoipa::path(delete, path = "/api/feature-flags/{slug}", tag = "feature_flags", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:feature_flags"])))]
async fn delete_feature_flag(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "feature flag")?;
    state.use_cases.delete_feature_flag.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
