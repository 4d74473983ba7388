//! `GET /api/webhooks/{id}/stats`: an endpoint's health at a glance (successes and failures per time
//! bucket, last success and failure, failing streak, latency percentiles). Needs `read:webhooks`.

use crate::auth::Authenticated;
use crate::extract::{ApiQuery, query_instant};
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use kaiten_contract::webhook_operations::EndpointStats;
use kaiten_domain::webhook::EndpointRef;
use kaiten_domain::webhook_stats::StatsWindow;
use kaiten_domain::{ValidationErrors, clock};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(endpoint_stats))
}

/// The window and the bucket of the stats.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct StatsQuery {
    /// RFC 3339; default a day before `until`. The window is at most 30 days.
    since: Option<String>,
    /// RFC 3339; default now.
    until: Option<String>,
    /// `1m`, `5m`, `15m`, `1h` (default), `6h` or `1d`; at most 1,000 buckets.
    bucket: Option<String>,
}

impl StatsQuery {
    fn window(self) -> Result<StatsWindow, Problem> {
        let mut errors = Vec::new();
        let since = query_instant("query.since", self.since.as_deref(), &mut errors);
        let until = query_instant("query.until", self.until.as_deref(), &mut errors);
        if !errors.is_empty() {
            return Err(Problem::validation(ValidationErrors(errors)));
        }
        StatsWindow::parse(since, until, self.bucket.as_deref(), clock::now()).map_err(Problem::validation)
    }
}

/// The endpoint's attempts over the window: successes and failures per bucket (every bucket, oldest
/// first), the totals and success rate, latency percentiles, and — whenever they were — its last
/// success and failure and the failures since the last success. On Svix the figures come from the
/// window's newest 1,000 attempts (`sampled` says when there were more).
#[utoipa::path(get, path = "/api/webhooks/{id}/stats", tag = "webhooks", params(("id" = String, Path), StatsQuery),
    responses((status = 200, body = EndpointStats), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 503, body = Problem)),
    security(("bearer" = ["read:webhooks"])))]
async fn endpoint_stats(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<EndpointStats>, Problem> {
    let window = query.window()?;
    Ok(Json(state.use_cases.webhooks.stats(&caller, &EndpointRef::new(id), window).await?.into()))
}
