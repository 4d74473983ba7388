//! The operations endpoints alone (`/api/healthz`, `/api/readyz`, `/metrics`) on the operations port
//! (`KAITEN_OPS_PORT`): for processes that run the relay or the worker without the REST API, so they
//! can be probed and scraped too, and for API processes whose metrics are kept off the public port.

use crate::metrics::metrics_text;
use crate::state::AppState;
use axum::Router;

/// Health, readiness and metrics, without the API.
pub fn operations_router(state: AppState) -> Router {
    let (routes, _) = crate::routes::health_routes().split_for_parts();
    routes.route("/metrics", axum::routing::get(metrics_text)).with_state(state)
}
