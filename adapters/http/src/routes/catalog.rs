//! `GET /api/events/catalog`: the 27 domain events and the 3 operational ones, generated from the domain's catalog, with the JSON Schema
//! of each event's `data` and an example.

use crate::auth::Authenticated;
use crate::problem::Problem;
use crate::state::AppState;
use axum::Json;
use kaiten_contract::EventContract;
use kaiten_contract::catalog::EventDomain;
use kaiten_domain::catalog::CATALOG;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(event_catalog))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CatalogEvent {
    /// SCREAMING_SNAKE name, used to subscribe endpoints (`eventNames`).
    name: &'static str,
    /// The same event in Kaiten's current catalog (`CUSTOMER_CREATED` for `CUSTOMER_CREATION`);
    /// endpoint filters take either spelling.
    current_name: &'static str,
    /// CloudEvents / Svix event type.
    #[serde(rename = "type")]
    event_type: &'static str,
    domain: EventDomain,
    description: &'static str,
    /// JSON Schema (2020-12) of the event's `data`.
    #[schema(value_type = Object)]
    schema: Value,
    /// JSON Schema (2020-12) of the whole webhook body (and event-feed item): `id`, `name`, `type`,
    /// `timestamp`, `customerId`/`customerSlug` when the event concerns a customer,
    /// `previousAttributes` on updates and migrations, and `data`.
    #[schema(value_type = Object)]
    body_schema: Value,
    /// An example of the event's `data`.
    #[schema(value_type = Object)]
    example: Value,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Catalog {
    items: Vec<CatalogEvent>,
    total: usize,
}

/// Every event the system emits, with the schema and an example of its `data`. Any valid token may read it.
#[utoipa::path(get, path = "/api/events/catalog", tag = "events",
    responses((status = 200, body = Catalog), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn event_catalog(Authenticated(_caller): Authenticated) -> Json<Catalog> {
    let items: Vec<CatalogEvent> = CATALOG
        .iter()
        .map(|event| CatalogEvent {
            name: event.name,
            current_name: event.kind.current_name(),
            event_type: event.event_type,
            domain: event.domain.into(),
            description: event.description,
            schema: event.kind.data_schema(),
            body_schema: event.kind.body_schema(),
            example: event.kind.example(),
        })
        .collect();
    Json(Catalog { total: items.len(), items })
}
