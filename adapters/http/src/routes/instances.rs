//! `/api/instances`: list, create, get, update, soft delete; usage reports.

use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiQuery, PageQuery, path_slug};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use kaiten_contract::ToWire;
use kaiten_contract::instance::{AuditEntry, Instance, InstanceChanges, InstancePatch, NewInstance};
use kaiten_contract::instance_usage::{InstanceUsage, UsageReport};
use kaiten_contract::page::Paged;
use kaiten_domain::instance_audit::AuditFilter;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report_usage, get_usage))
        .routes(routes!(list_usage))
        .routes(routes!(list_audit_trail))
        .routes(routes!(list_instances, create_instance))
        .routes(routes!(get_instance, update_instance, patch_instance, delete_instance))
}

/// The organization's instances, newest first.
#[utoipa::path(get, path = "/api/instances", tag = "instances", params(InstanceListQuery),
    responses((status = 200, body = Paged<Instance>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:instances"])))]
async fn list_instances(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<InstanceListQuery>,
) -> Result<Json<Paged<Instance>>, Problem> {
    let page = PageQuery { limit: query.limit, offset: query.offset, cursor: query.cursor }.page()?;
    Ok(Json(
        state.use_cases.list_instances.execute(&caller, page, query.include_deleted.unwrap_or(false)).await?.to_wire(),
    ))
}

/// Creates a instance; emits INSTANCE_CREATION (and INSTANCE_DEPLOYMENT when created in a zone).
#[utoipa::path(post, path = "/api/instances", tag = "instances", request_body = NewInstance,
    responses((status = 201, body = Instance, headers(("location" = String, description = "The instance's URL"))),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "A referenced customer, license or zone does not exist"),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["write:instances"])))]
async fn create_instance(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<NewInstance>,
) -> Result<impl IntoResponse, Problem> {
    let instance = state.use_cases.create_instance.execute(&caller, input.into()).await?;
    let location = format!("/api/instances/{}", instance.slug);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(instance.to_wire())))
}

/// One instance.
#[utoipa::path(get, path = "/api/instances/{slug}", tag = "instances", params(("slug" = String, Path)),
    responses((status = 200, body = Instance), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:instances"])))]
async fn get_instance(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Instance>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    Ok(Json(state.use_cases.get_instance.execute(&caller, &slug).await?.to_wire()))
}

/// Replaces an instance's details (see the body); emits INSTANCE_UPDATE (and INSTANCE_DEPLOYMENT or INSTANCE_MIGRATION when its zone changes).
#[utoipa::path(put, path = "/api/instances/{slug}", tag = "instances", params(("slug" = String, Path)),
    request_body = InstanceChanges,
    responses((status = 200, body = Instance), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:instances"])))]
async fn update_instance(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(changes): ApiJson<InstanceChanges>,
) -> Result<Json<Instance>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    Ok(Json(state.use_cases.update_instance.execute(&caller, &slug, changes.into()).await?.to_wire()))
}

/// Deletes a instance (409 while it is assigned to a license); emits INSTANCE_DELETION.
#[utoipa::path(delete, path = "/api/instances/{slug}", tag = "instances", params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = ["write:instances"])))]
async fn delete_instance(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<StatusCode, Problem> {
    let slug = path_slug(&slug, "instance")?;
    state.use_cases.delete_instance.execute(&caller, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `limit`, `cursor` (or `offset`) and whether soft-deleted instances are listed too.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(crate) struct InstanceListQuery {
    /// 1 to 200, default 50.
    limit: Option<i64>,
    /// Default 0.
    offset: Option<i64>,
    /// The previous page's `nextCursor`.
    cursor: Option<String>,
    /// Include soft-deleted instances (default false).
    include_deleted: Option<bool>,
}

/// Reports usage of a NUMBER entitlement, folded with its aggregation method (409 when it would exceed
/// the license's limit, and nothing is stored); emits INSTANCE_ENTITLEMENT_USAGE_REACHED when it reaches it.
#[utoipa::path(post, path = "/api/instances/{slug}/entitlements/{entitlementSlug}/usage", tag = "instances",
    params(("slug" = String, Path), ("entitlementSlug" = String, Path)), request_body = UsageReport,
    responses((status = 200, body = InstanceUsage), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:instances"])))]
async fn report_usage(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, entitlement)): Path<(String, String)>,
    ApiJson(report): ApiJson<UsageReport>,
) -> Result<Json<InstanceUsage>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    let entitlement = path_slug(&entitlement, "entitlement")?;
    Ok(Json(state.use_cases.report_usage.execute(&caller, &slug, &entitlement, report.into()).await?.into()))
}

/// The instance's usage of one entitlement.
#[utoipa::path(get, path = "/api/instances/{slug}/entitlements/{entitlementSlug}/usage", tag = "instances",
    params(("slug" = String, Path), ("entitlementSlug" = String, Path)),
    responses((status = 200, body = InstanceUsage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:instances"])))]
async fn get_usage(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((slug, entitlement)): Path<(String, String)>,
) -> Result<Json<InstanceUsage>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    let entitlement = path_slug(&entitlement, "usage")?;
    let mut usage = state.use_cases.list_usage.execute(&caller, &slug, Some(&entitlement)).await?;
    usage.pop().map(|usage| Json(usage.into())).ok_or_else(|| Problem::not_found("usage"))
}

/// The instance's usage of every entitlement (an array, as Kaiten returns it).
#[utoipa::path(get, path = "/api/instances/{slug}/entitlements/usage", tag = "instances", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<InstanceUsage>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:instances"])))]
async fn list_usage(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
) -> Result<Json<Vec<InstanceUsage>>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    Ok(Json(state.use_cases.list_usage.execute(&caller, &slug, None).await?.into_iter().map(Into::into).collect()))
}

/// Sets the instance's operational status and / or lifecycle stage; emits INSTANCE_UPDATE.
#[utoipa::path(patch, path = "/api/instances/{slug}", tag = "instances", params(("slug" = String, Path)),
    request_body = InstancePatch,
    responses((status = 200, body = Instance), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["write:instances"])))]
async fn patch_instance(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiJson(patch): ApiJson<InstancePatch>,
) -> Result<Json<Instance>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    Ok(Json(state.use_cases.patch_instance.execute(&caller, &slug, patch.into()).await?.to_wire()))
}

/// Which audit-trail entries to read (Kaiten's parameter names).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditTrailQuery {
    /// Only entries of this event, e.g. `INSTANCE_STATUS_CHANGED`.
    #[param(max_length = 100)]
    event_name: Option<String>,
    /// RFC 3339; entries strictly after.
    after: Option<String>,
    /// RFC 3339; entries strictly before.
    before: Option<String>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The previous page's `nextCursor`.
    #[param(max_length = 200)]
    cursor: Option<String>,
}

impl AuditTrailQuery {
    fn filter(self) -> Result<AuditFilter, Problem> {
        let instant = |location: &str, raw: Option<&str>| -> Result<Option<chrono::DateTime<chrono::Utc>>, Problem> {
            raw.map(|raw| {
                chrono::DateTime::parse_from_rfc3339(raw).map(|at| at.with_timezone(&chrono::Utc)).map_err(|_| {
                    Problem::validation(kaiten_domain::ValidationErrors::single(
                        location,
                        "must be an RFC 3339 date-time",
                        Some(serde_json::Value::from(raw)),
                    ))
                })
            })
            .transpose()
        };
        Ok(AuditFilter {
            after: instant("query.after", self.after.as_deref())?,
            before: instant("query.before", self.before.as_deref())?,
            page: PageQuery { limit: self.limit, offset: None, cursor: self.cursor }.page()?,
            event_name: self.event_name,
        })
    }
}

/// The instance's audit trail, newest first: every event about it in Kaiten's current names, with its
/// status and lifecycle-stage changes.
#[utoipa::path(get, path = "/api/instances/{slug}/audit-trails", tag = "instances", params(("slug" = String, Path), AuditTrailQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["read:instances"])))]
async fn list_audit_trail(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<AuditTrailQuery>,
) -> Result<Json<Paged<AuditEntry>>, Problem> {
    let slug = path_slug(&slug, "instance")?;
    Ok(Json(state.use_cases.list_audit_trail.execute(&caller, &slug, query.filter()?).await?.into()))
}
