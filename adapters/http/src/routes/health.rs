//! Liveness and readiness.

use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kaiten_application::ports::health::NotReady;
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
    /// What some working parts are doing: the broker node a connection uses (`connected to
    /// host:port`, `consuming from host:port`), whether the relay streams or stands by.
    details: BTreeMap<&'static str, String>,
}

/// Every part this process depends on works now: the database (reachable, migrated), a node of the
/// broker and, when this process runs the relay, its replication slot (streamed here, or by another
/// process while this one stands by). 503 names the failing part; `details` names the broker node.
#[utoipa::path(get, path = "/api/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Problem)))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Readiness>, Problem> {
    let checks = state.readiness.iter().map(|check| async move {
        let outcome = match tokio::time::timeout(Duration::from_secs(3), check.check()).await {
            Ok(outcome) => outcome,
            Err(_) => Err(NotReady::new("no answer within 3 s")),
        };
        let detail = match outcome {
            Ok(()) => tokio::time::timeout(Duration::from_secs(1), check.detail()).await.ok().flatten(),
            Err(_) => None,
        };
        (check.name(), outcome, detail)
    });
    let outcomes = futures::future::join_all(checks).await;
    let failing: Vec<String> = outcomes
        .iter()
        .filter_map(|(name, outcome, _)| outcome.as_ref().err().map(|e| format!("{name}: {e}")))
        .collect();
    if failing.is_empty() {
        let checks = outcomes.iter().map(|(name, _, _)| (*name, "ok")).collect();
        let details = outcomes.into_iter().filter_map(|(name, _, detail)| Some((name, detail?))).collect();
        Ok(Json(Readiness { status: "ready", checks, details }))
    } else {
        Err(Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", failing.join("; ")))
    }
}

/// The process is up and serving.
#[utoipa::path(get, path = "/api/healthz", tag = "operations", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}
