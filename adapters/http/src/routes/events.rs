//! `/api/events`: the organization's event feed, oldest first, each item exactly the body a webhook
//! carries (Stripe's event list): receivers read it to reconcile after downtime (`read:events`).

use crate::auth::Authenticated;
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use kaiten_application::use_cases::event_feed::{FeedPage, FeedRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events)).routes(routes!(get_event))
}

/// Which events to read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct EventsQuery {
    /// The previous page's `nextCursor` (an event id): the events after it.
    #[param(max_length = 64)]
    after: Option<String>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// Only these events (catalog names in either spelling, comma-separated).
    #[param(max_length = 2000)]
    event_name: Option<String>,
    /// Only events that happened at or after this time (RFC 3339).
    since: Option<DateTime<Utc>>,
    /// Only events of this customer (its id or slug): its customer and instance events.
    #[param(max_length = 200)]
    customer_id: Option<String>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct EventPage {
    /// Webhook bodies (`{id, name, type, timestamp, data}`), oldest first.
    items: Vec<Value>,
    /// Whether more events follow now.
    has_more: bool,
    /// Pass as `after` to read on; also on the last page, to poll for newer events later.
    next_cursor: Option<String>,
}

impl From<FeedPage> for EventPage {
    fn from(page: FeedPage) -> Self {
        Self { items: page.items, has_more: page.has_more, next_cursor: page.next_cursor }
    }
}

/// The organization's events within the outbox's retention, oldest first, cursor-paginated. A page
/// holds only events no transaction still in progress can precede, so walking `nextCursor` never
/// skips one.
#[utoipa::path(get, path = "/api/events", tag = "events", params(EventsQuery),
    responses((status = 200, body = EventPage), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = ["read:events"])))]
async fn list_events(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventPage>, Problem> {
    let request = FeedRequest {
        after: query.after,
        limit: query.limit,
        event_names: query.event_name,
        since: query.since,
        customer: query.customer_id,
    };
    Ok(Json(state.use_cases.events.list(&caller, request).await?.into()))
}

/// One event: the body its webhooks carry.
#[utoipa::path(get, path = "/api/events/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = ["read:events"])))]
async fn get_event(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(state.use_cases.events.get(&caller, &id).await?))
}
