//! The web console at `/console`: one page, its script and its stylesheet, compiled into the binary
//! (no CDN, works offline). It signs in with an API token kept in the tab's session storage and only
//! calls the documented REST API, so it can do nothing the token could not do with curl. Served with a
//! strict Content-Security-Policy: same-origin script, style and requests only, no framing.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

const PAGE: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/console.js");
const VIEWS: &str = include_str!("../console/views.js");
const API: &str = include_str!("../console/api.js");
const RECOVERY: &str = include_str!("../console/recovery.js");
const TEST_SEND: &str = include_str!("../console/test_send.js");
const HEALTH: &str = include_str!("../console/health.js");
const STYLE: &str = include_str!("../console/console.css");

/// What the browser may load and do on the console's pages.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/console", get(|| async { asset("text/html; charset=utf-8", PAGE) }))
        .route("/console/console.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/console/views.js", get(|| async { asset("text/javascript; charset=utf-8", VIEWS) }))
        .route("/console/api.js", get(|| async { asset("text/javascript; charset=utf-8", API) }))
        .route("/console/recovery.js", get(|| async { asset("text/javascript; charset=utf-8", RECOVERY) }))
        .route("/console/test_send.js", get(|| async { asset("text/javascript; charset=utf-8", TEST_SEND) }))
        .route("/console/health.js", get(|| async { asset("text/javascript; charset=utf-8", HEALTH) }))
        .route("/console/console.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}
