//! `/api/organization`, `/api/service-accounts` and their tokens.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::account::{
    ApiToken, NewApiToken, NewServiceAccount, Organization, OrganizationSettings, ServiceAccount, ServiceAccountUpdate,
    ServiceAccountView,
};
use kaiten_contract::page::Paged;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_organization, configure_organization))
        .routes(routes!(list_service_accounts, create_service_account))
        .routes(routes!(get_service_account, rename_service_account))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A token just issued: its metadata and, this once, its secret.
#[derive(Serialize, ToSchema)]
struct IssuedTokenResponse {
    #[serde(flatten)]
    metadata: ApiToken,
    /// The secret (`ksh_…`). It is not stored and cannot be shown again.
    token: String,
}

/// The caller's organization.
#[utoipa::path(get, path = "/api/organization", tag = "organization",
    responses((status = 200, body = Organization), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = ["read:organizations"])))]
async fn get_organization(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<Organization>, Problem> {
    Ok(Json(state.use_cases.get_organization.execute(&caller).await?.into()))
}

/// Changes the organization's webhook settings: `webhookEventNames` `classic` (`CUSTOMER_CREATION`,
/// the default) or `current` (Kaiten's `CUSTOMER_CREATED`), for the events dispatched from then on
/// (within a few seconds).
#[utoipa::path(put, path = "/api/organization", tag = "organization", request_body = OrganizationSettings,
    responses((status = 200, body = Organization), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:organizations"])))]
async fn configure_organization(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(settings): ApiJson<OrganizationSettings>,
) -> Result<Json<Organization>, Problem> {
    Ok(Json(state.use_cases.get_organization.configure(&caller, settings.into()).await?.into()))
}

/// The organization's service accounts.
#[utoipa::path(get, path = "/api/service-accounts", tag = "tokens", params(PageQuery),
    responses((status = 200, body = Paged<ServiceAccountView>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:tokens"])))]
async fn list_service_accounts(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<ServiceAccountView>>, Problem> {
    Ok(Json(state.use_cases.list_service_accounts.execute(&caller, query.page()?).await?.into()))
}

/// One service account with its newest tokens (metadata only).
#[utoipa::path(get, path = "/api/service-accounts/{slug}", tag = "tokens", params(("slug" = String, Path)),
    responses((status = 200, body = ServiceAccountView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:tokens"])))]
async fn get_service_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<ServiceAccountView>, Problem> {
    let slug = path_slug(&slug, "service account")?;
    Ok(Json(state.use_cases.get_service_account.execute(&caller, &slug).await?.into()))
}

/// Renames a service account; its slug and tokens stay.
#[utoipa::path(put, path = "/api/service-accounts/{slug}", tag = "tokens", params(("slug" = String, Path)),
    request_body = ServiceAccountUpdate,
    responses((status = 200, body = ServiceAccount), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:tokens"])))]
async fn rename_service_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(update): ApiJson<ServiceAccountUpdate>,
) -> Result<Json<ServiceAccount>, Problem> {
    let slug = path_slug(&slug, "service account")?;
    Ok(Json(state.use_cases.rename_service_account.execute(&caller, &slug, update.into()).await?.into()))
}

/// Creates a service account.
#[utoipa::path(post, path = "/api/service-accounts", tag = "tokens", request_body = NewServiceAccount,
    responses((status = 201, body = ServiceAccountView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:tokens"])))]
async fn create_service_account(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewServiceAccount>,
) -> Result<impl IntoResponse, Problem> {
    let account = state.use_cases.create_service_account.execute(&caller, input.into()).await?;
    let location = format!("/api/service-accounts/{}", account.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ServiceAccountView { account: account.into(), tokens: Vec::new() }),
    ))
}

/// A service account's tokens (never their secrets).
#[utoipa::path(get, path = "/api/service-accounts/{slug}/tokens", tag = "tokens", params(("slug" = String, Path), PageQuery),
    responses((status = 200, body = Paged<ApiToken>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["read:tokens"])))]
async fn list_tokens(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<ApiToken>>, Problem> {
    let slug = path_slug(&slug, "service account")?;
    Ok(Json(state.use_cases.list_tokens.execute(&caller, &slug, query.page()?).await?.into()))
}

/// Issues a token; the secret is in the response and nowhere else. A token cannot grant more than the caller's.
#[utoipa::path(post, path = "/api/service-accounts/{slug}/tokens", tag = "tokens", params(("slug" = String, Path)),
    request_body = NewApiToken,
    responses((status = 201, body = IssuedTokenResponse), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:tokens"])))]
async fn create_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewApiToken>,
) -> Result<impl IntoResponse, Problem> {
    let slug = path_slug(&slug, "service account")?;
    let issued = state.use_cases.create_token.execute(&caller, &slug, input.into()).await?;
    let location = format!("/api/service-accounts/{slug}/tokens/{}", issued.token.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(IssuedTokenResponse { metadata: issued.token.into(), token: issued.secret }),
    ))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/api/service-accounts/{slug}/tokens/{tokenSlug}", tag = "tokens",
    params(("slug" = String, Path), ("tokenSlug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = ["write:tokens"])))]
async fn revoke_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, token_slug)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "service account")?;
    let token_slug = path_slug(&token_slug, "token")?;
    state.use_cases.revoke_token.execute(&caller, &slug, &token_slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
