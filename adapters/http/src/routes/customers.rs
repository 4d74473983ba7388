//! `/api/customers`: list, create, get, update, delete.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::customer::{Customer, CustomerUpdate, NewCustomer};
use kaiten_contract::page::Paged;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_customers, create_customer)).routes(routes!(
        get_customer,
        update_customer,
        delete_customer
    ))
}

/// The organization's customers, newest first.
#[utoipa::path(get, path = "/api/customers", tag = "customers", params(PageQuery),
    responses((status = 200, body = Paged<Customer>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:customers"])))]
async fn list_customers(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<Customer>>, Problem> {
    Ok(Json(state.use_cases.list_customers.execute(&caller, query.page()?).await?.to_wire()))
}

/// Creates a customer; emits CUSTOMER_CREATION.
#[utoipa::path(post, path = "/api/customers", tag = "customers", request_body = NewCustomer,
    responses((status = 201, body = Customer, headers(("location" = String, description = "The customer's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:customers"])))]
async fn create_customer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewCustomer>,
) -> Result<impl IntoResponse, Problem> {
    let customer = state.use_cases.create_customer.execute(&caller, input.into()).await?;
    let location = format!("/api/customers/{}", customer.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(customer.to_wire())))
}

/// One customer.
#[utoipa::path(get, path = "/api/customers/{slug}", tag = "customers", params(("slug" = String, Path)),
    responses((status = 200, body = Customer), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:customers"])))]
async fn get_customer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Customer>, Problem> {
    let slug = path_slug(&slug, "customer")?;
    Ok(Json(state.use_cases.get_customer.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces a customer's details (a full replacement: an omitted `externalCustomerId` or `domain` is
/// cleared, an omitted `slug` kept); emits CUSTOMER_UPDATE.
#[utoipa::path(put, path = "/api/customers/{slug}", tag = "customers", params(("slug" = String, Path)),
    request_body = CustomerUpdate,
    responses((status = 200, body = Customer), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:customers"])))]
async fn update_customer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(changes): ApiJson<CustomerUpdate>,
) -> Result<Json<Customer>, Problem> {
    let slug = path_slug(&slug, "customer")?;
    Ok(Json(state.use_cases.update_customer.execute(&caller, &slug, changes.into()).await?.to_wire()))
}

/// Deletes a customer (409 while it has live instances); emits CUSTOMER_DELETION.
#[utoipa::path(delete, path = "/api/customers/{slug}", tag = "customers", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:customers"])))]
async fn delete_customer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "customer")?;
    state.use_cases.delete_customer.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
