//! `/api/licenses`: list, create, get, update, delete; the entitlements assigned to a license.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::license::{
    License, LicenseEntitlement, LicenseEntitlementChanges, LicenseUpdate, NewLicense, NewLicenseEntitlement,
};
use kaiten_contract::page::Paged;
use kaiten_domain::license::LifecycleMove;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_license_entitlements, assign_entitlement))
        .routes(routes!(get_license_entitlement, update_license_entitlement, unassign_entitlement))
        .routes(routes!(publish_license))
        .routes(routes!(archive_license))
        .routes(routes!(unarchive_license))
        .routes(routes!(list_licenses, create_license))
        .routes(routes!(get_license, update_license, delete_license))
}

/// The organization's licenses, newest first.
#[utoipa::path(get, path = "/api/licenses", tag = "licenses", params(PageQuery),
    responses((status = 200, body = Paged<License>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:licenses"])))]
async fn list_licenses(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<License>>, Problem> {
    Ok(Json(state.use_cases.list_licenses.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a license: version 1 of a new family, or with `familySlug` that family's next version;
/// emits LICENSE_CREATION.
#[utoipa::path(post, path = "/api/licenses", tag = "licenses", request_body = NewLicense,
    responses((status = 201, body = License, headers(("location" = String, description = "The license's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn create_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewLicense>,
) -> Result<impl IntoResponse, Problem> {
    let license = state.use_cases.create_license.execute(&caller, input.into()).await?;
    let location = format!("/api/licenses/{}", license.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(license.to_wire())))
}

/// One license.
#[utoipa::path(get, path = "/api/licenses/{slug}", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 200, body = License), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:licenses"])))]
async fn get_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<License>, Problem> {
    let slug = path_slug(&slug, "license")?;
    Ok(Json(state.use_cases.get_license.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces a license's details (a full replacement; slug, version, family and lifecycle stay; a new
/// default takes over from its family's previous one); emits LICENSE_UPDATE.
#[utoipa::path(put, path = "/api/licenses/{slug}", tag = "licenses", params(("slug" = String, Path)),
    request_body = LicenseUpdate,
    responses((status = 200, body = License), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn update_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(update): ApiJson<LicenseUpdate>,
) -> Result<Json<License>, Problem> {
    let slug = path_slug(&slug, "license")?;
    Ok(Json(state.use_cases.update_license.execute(&caller, &slug, update.into()).await?.to_wire()))
}

/// Deletes a license (409 while a live instance uses it); emits LICENSE_DELETION.
#[utoipa::path(delete, path = "/api/licenses/{slug}", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn delete_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "license")?;
    state.use_cases.delete_license.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The entitlements assigned to the license, with their values.
#[utoipa::path(get, path = "/api/licenses/{slug}/entitlements", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 200, body = Paged<LicenseEntitlement>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:licenses"])))]
async fn list_license_entitlements(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Paged<LicenseEntitlement>>, Problem> {
    let slug = path_slug(&slug, "license")?;
    Ok(Json(state.use_cases.list_license_entitlements.execute(&caller, &slug).await?.to_wire()))
}

/// Assigns an entitlement with a value fitting its type (409 when already assigned); emits LICENSE_ENTITLEMENT_ASSIGNMENT.
#[utoipa::path(post, path = "/api/licenses/{slug}/entitlements", tag = "licenses", params(("slug" = String, Path)),
    request_body = NewLicenseEntitlement,
    responses((status = 201, body = LicenseEntitlement), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn assign_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewLicenseEntitlement>,
) -> Result<impl IntoResponse, Problem> {
    let slug = path_slug(&slug, "license")?;
    let link = state.use_cases.assign_entitlement.execute(&caller, &slug, input.into()).await?;
    let location = format!("/api/licenses/{slug}/entitlements/{}", link.entitlement_slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(link.to_wire())))
}

/// Changes the entitlement's value on the license; emits LICENSE_ENTITLEMENT_UPDATE.
#[utoipa::path(put, path = "/api/licenses/{slug}/entitlements/{entitlementSlug}", tag = "licenses",
    params(("slug" = String, Path), ("entitlementSlug" = String, Path)), request_body = LicenseEntitlementChanges,
    responses((status = 200, body = LicenseEntitlement), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn update_license_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, entitlement)): Path<(String, String)>,
    ApiJson(changes): ApiJson<LicenseEntitlementChanges>,
) -> Result<Json<LicenseEntitlement>, Problem> {
    let slug = path_slug(&slug, "license")?;
    let entitlement = path_slug(&entitlement, "entitlement")?;
    Ok(Json(
        state
            .use_cases
            .update_license_entitlement
            .execute(&caller, &slug, &entitlement, changes.into())
            .await?
            .to_wire(),
    ))
}

/// Removes the entitlement from the license; emits LICENSE_ENTITLEMENT_UNASSIGNMENT.
#[utoipa::path(delete, path = "/api/licenses/{slug}/entitlements/{entitlementSlug}", tag = "licenses",
    params(("slug" = String, Path), ("entitlementSlug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn unassign_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, entitlement)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "license")?;
    let entitlement = path_slug(&entitlement, "entitlement")?;
    state.use_cases.unassign_entitlement.execute(&caller, &slug, &entitlement).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One entitlement granted by the license, with its value.
#[utoipa::path(get, path = "/api/licenses/{slug}/entitlements/{entitlementSlug}", tag = "licenses",
    params(("slug" = String, Path), ("entitlementSlug" = String, Path)),
    responses((status = 200, body = LicenseEntitlement), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:licenses"])))]
async fn get_license_entitlement(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, entitlement)): Path<(String, String)>,
) -> Result<Json<LicenseEntitlement>, Problem> {
    let slug = path_slug(&slug, "license")?;
    let entitlement = path_slug(&entitlement, "license entitlement")?;
    Ok(Json(state.use_cases.list_license_entitlements.one(&caller, &slug, &entitlement).await?.to_wire()))
}

async fn move_license(
    state: AppState,
    caller: kaiten_application::Caller,
    slug: String,
    step: LifecycleMove,
) -> Result<Json<License>, Problem> {
    let slug = path_slug(&slug, "license")?;
    Ok(Json(state.use_cases.move_license.execute(&caller, &slug, step).await?.to_wire()))
}

/// Publishes a DRAFT version (409 otherwise); emits LICENSE_UPDATE.
#[utoipa::path(post, path = "/api/licenses/{slug}/publish", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 200, body = License), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn publish_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<License>, Problem> {
    move_license(state, caller, slug, LifecycleMove::Publish).await
}

/// Archives a PUBLISHED version (409 otherwise; an archived default stops being the default); emits
/// LICENSE_UPDATE.
#[utoipa::path(post, path = "/api/licenses/{slug}/archive", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 200, body = License), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn archive_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<License>, Problem> {
    move_license(state, caller, slug, LifecycleMove::Archive).await
}

/// Publishes an ARCHIVED version again (409 otherwise); emits LICENSE_UPDATE.
#[utoipa::path(post, path = "/api/licenses/{slug}/unarchive", tag = "licenses", params(("slug" = String, Path)),
    responses((status = 200, body = License), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:licenses"])))]
async fn unarchive_license(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<License>, Problem> {
    move_license(state, caller, slug, LifecycleMove::Unarchive).await
}
