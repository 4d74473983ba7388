//! Liveness and readiness.

use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    status: &'static str,
}

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Readiness {
    status: &'static str,
    /// Each part checked, and `ok`.
    checks: BTreeMap<&'static str, &'static str>,
}

/// Every part this process depends on works now: the database (reachable, migrated), the broker and,
/// when this process runs the relay, its replication slot. 503 names the failing part.
#[utoipa::path(get, path = "/api/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Problem)))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Readiness>, Problem> {
    let checks = state.readiness.iter().map(|check| async move {
        let outcome = match tokio::time::timeout(Duration::from_secs(3), check.check()).await {
            Ok(outcome) => outcome,
            Err(_) => Err("no answer within 3 s".to_owned()),
        };
        (check.name(), outcome)
    });
    let outcomes = futures::future::join_all(checks).await;
    let failing: Vec<String> =
        outcomes.iter().filter_map(|(name, outcome)| outcome.as_ref().err().map(|e| format!("{name}: {e}"))).collect();
    if failing.is_empty() {
        Ok(Json(Readiness { status: "ready", checks: outcomes.into_iter().map(|(name, _)| (name, "ok")).collect() }))
    } else {
        Err(Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", failing.join("; ")))
    }
}

/// The process is up and serving.
#[utoipa::path(get, path = "/api/healthz", tag = "operations", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}
