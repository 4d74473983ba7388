//! `/api/deployment-zones`: list, create, get, update, delete; deploying releases and the deployment history.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::deployment_zone::{
    Deployment, DeploymentZone, DeploymentZoneUpdate, NewDeployment, NewDeploymentZone,
};
use kaiten_contract::page::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deployments, deploy_release))
        .routes(routes!(list_deployment_zones, create_deployment_zone))
        .routes(routes!(get_deployment_zone, update_deployment_zone, delete_deployment_zone))
}

/// The organization's deployment zones, newest first.
#[utoipa::path(get, path = "/api/deployment-zones", tag = "deployment_zones", params(PageQuery),
    responses((status = 200, body = Paged<DeploymentZone>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:deployment_zones"])))]
async fn list_deployment_zones(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<DeploymentZone>>, Problem> {
    Ok(Json(state.use_cases.list_deployment_zones.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a deployment zone; emits DEPLOYMENT_ZONE_CREATION (and RELEASE_DEPLOYMENT with a `releaseId`).
#[utoipa::path(post, path = "/api/deployment-zones", tag = "deployment_zones", request_body = NewDeploymentZone,
    responses((status = 201, body = DeploymentZone, headers(("location" = String, description = "The deployment zone's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:deployment_zones"])))]
async fn create_deployment_zone(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewDeploymentZone>,
) -> Result<impl IntoResponse, Problem> {
    let zone = state.use_cases.create_deployment_zone.execute(&caller, input.into()).await?;
    let location = format!("/api/deployment-zones/{}", zone.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(zone.to_wire())))
}

/// One deployment zone.
#[utoipa::path(get, path = "/api/deployment-zones/{slug}", tag = "deployment_zones", params(("slug" = String, Path)),
    responses((status = 200, body = DeploymentZone), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:deployment_zones"])))]
async fn get_deployment_zone(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<DeploymentZone>, Problem> {
    let slug = path_slug(&slug, "deployment zone")?;
    Ok(Json(state.use_cases.get_deployment_zone.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces a deployment zone's details (a full replacement; a new `releaseId` deploys it); emits
/// DEPLOYMENT_ZONE_UPDATE (and RELEASE_DEPLOYMENT first when the release changes).
#[utoipa::path(put, path = "/api/deployment-zones/{slug}", tag = "deployment_zones", params(("slug" = String, Path)),
    request_body = DeploymentZoneUpdate,
    responses((status = 200, body = DeploymentZone), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:deployment_zones"])))]
async fn update_deployment_zone(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(changes): ApiJson<DeploymentZoneUpdate>,
) -> Result<Json<DeploymentZone>, Problem> {
    let slug = path_slug(&slug, "deployment zone")?;
    Ok(Json(state.use_cases.update_deployment_zone.execute(&caller, &slug, changes.into()).await?.to_wire()))
}

/// Deletes a deployment zone (409 while instances are placed in it); emits DEPLOYMENT_ZONE_DELETION.
#[utoipa::path(delete, path = "/api/deployment-zones/{slug}", tag = "deployment_zones", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:deployment_zones"])))]
async fn delete_deployment_zone(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "deployment zone")?;
    state.use_cases.delete_deployment_zone.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deploys a release to the zone (409 when the zone already runs it); emits RELEASE_DEPLOYMENT.
#[utoipa::path(post, path = "/api/deployment-zones/{slug}/deployments", tag = "deployment_zones", params(("slug" = String, Path)),
    request_body = NewDeployment,
    responses((status = 201, body = Deployment), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:deployment_zones"])))]
async fn deploy_release(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewDeployment>,
) -> Result<impl IntoResponse, Problem> {
    let slug = path_slug(&slug, "deployment zone")?;
    let deployment = state.use_cases.deploy_release.execute(&caller, &slug, input.into()).await?;
    let location = format!("/api/deployment-zones/{slug}/deployments");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(deployment.to_wire())))
}

/// The zone's deployment history, newest first.
#[utoipa::path(get, path = "/api/deployment-zones/{slug}/deployments", tag = "deployment_zones", params(("slug" = String, Path), PageQuery),
    responses((status = 200, body = Paged<Deployment>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["read:deployment_zones"])))]
async fn list_deployments(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<Deployment>>, Problem> {
    let slug = path_slug(&slug, "deployment zone")?;
    Ok(Json(state.use_cases.list_deployments.execute(&caller, &slug, query.page()?).await?.to_wire()))
}
