//! HTTP adapter: the axum REST API of Kaiten. Bearer-token authentication, request bodies validated
//! into domain commands, every error rendered as RFC 9457 problem+json, and an OpenAPI 3.1 document
//! generated from the route annotations (utoipa) and served at `/api/openapi.json`; and the web
//! console at `/console` for webhook endpoints, delivery history and payloads.

mod auth;
mod console;
mod extract;
mod metrics;
mod openapi;
mod operations;
mod problem;
mod routes;
mod server;
mod state;
mod trace;

pub use operations::operations_router;
pub use problem::Problem;
pub use routes::{Ingress, api_document, router};
pub use server::{ServerLimits, serve};
pub use state::{AppState, DaprIngress, MetricsRenderer};
