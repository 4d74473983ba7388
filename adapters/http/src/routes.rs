//! The router: every route, the fallbacks, and the layers shared by all of them.

mod accounts;
mod catalog;
mod customers;
mod dapr;
mod svix_operational;

mod deployment_zones;
mod entitlements;
mod events;
mod feature_flags;
mod health;
mod instances;
mod licenses;
mod releases;
mod webhook_recoveries;
mod webhook_stats;
mod webhook_test_sends;
mod webhooks;

use crate::openapi::ApiDoc;
use crate::problem::Problem;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use std::any::Any;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Request bodies over this size are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Liveness and readiness (also served alone by [`crate::operations_router`]).
pub(crate) fn health_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(health::routes())
}

/// The routes that exist only when configured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ingress {
    /// The Dapr ingress (`KAITEN_DAPR_API_TOKEN`).
    pub dapr: bool,
    /// Svix's operational webhooks (`SVIX_OPERATIONAL_WEBHOOK_SECRET`).
    pub svix_operational: bool,
}

/// Every route with its OpenAPI description (the ingress routes only when enabled); [`router`] and
/// [`crate::api_document`] both come from here.
pub(crate) fn documented_routes(ingress: Ingress) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::routes())
        .merge(accounts::routes())
        .merge(customers::routes())
        .merge(entitlements::routes())
        .merge(releases::routes())
        .merge(feature_flags::routes())
        .merge(deployment_zones::routes())
        .merge(licenses::routes())
        .merge(instances::routes())
        .merge(webhooks::routes())
        .merge(webhook_recoveries::routes())
        .merge(webhook_test_sends::routes())
        .merge(webhook_stats::routes())
        .merge(events::routes())
        .merge(catalog::routes())
        .merge(dapr::routes(ingress.dapr))
        .merge(svix_operational::routes(ingress.svix_operational))
}

/// The whole document, as served at `/api/openapi.json` (with the ingress routes enabled).
pub fn api_document(ingress: Ingress) -> utoipa::openapi::OpenApi {
    let mut document = documented_routes(ingress).into_openapi();
    crate::openapi::finish(&mut document);
    document
}

/// The HTTP application: the REST API under `/api`, the OpenAPI document at `/api/openapi.json`, a
/// browsable page at `/api/docs` (Swagger UI, its assets built into the binary: no CDN) and the web
/// console at `/console`.
pub fn router(state: AppState) -> Router {
    let ingress = Ingress { dapr: state.dapr.is_some(), svix_operational: state.svix_operational.is_some() };
    let (routes, mut document) = documented_routes(ingress).split_for_parts();
    crate::openapi::finish(&mut document);
    let document = Arc::new(document);
    let routes = if state.metrics_public {
        routes.route("/metrics", axum::routing::get(crate::metrics::metrics_text))
    } else {
        routes
    };
    routes
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .merge(
            utoipa_swagger_ui::SwaggerUi::new("/api/docs").config(utoipa_swagger_ui::Config::from("/api/openapi.json")),
        )
        .merge(crate::console::routes())
        // After routing, so each request is labelled with its matched route template.
        .route_layer(axum::middleware::from_fn(crate::metrics::record))
        // Outside the metrics, so the whole request runs in its span.
        .route_layer(axum::middleware::from_fn(crate::trace::trace_request))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .method_not_allowed_fallback(|| async {
            Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not accept that method")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(panic_problem))
        .with_state(state)
}

fn panic_problem(_: Box<dyn Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("a request handler panicked");
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an unexpected error occurred").into_response()
}
