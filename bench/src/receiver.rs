//! A fast local webhook receiver: answers 204 to every POST and notes when each body arrived,
//! keyed by the `benchId` in the event data or, without one, by its `id` (a customer's id).

use axum::Router;
use axum::body::Bytes;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use uuid::Uuid;

/// The only fields the receiver reads; the rest of the body is skipped, not built into a value.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    data: Data<'a>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(rename = "benchId", borrow)]
    bench_id: Option<&'a str>,
    #[serde(borrow)]
    id: Option<&'a str>,
}

#[derive(Default)]
pub struct Arrivals {
    pub count: AtomicU64,
    pub at: Mutex<HashMap<Uuid, Instant>>,
}

/// Serves on 127.0.0.1 (any path); returns its base URL.
pub async fn start(arrivals: Arc<Arrivals>) -> anyhow::Result<String> {
    let app = Router::new().fallback(axum::routing::post(move |body: Bytes| {
        let arrivals = arrivals.clone();
        async move {
            let now = Instant::now();
            arrivals.count.fetch_add(1, Ordering::Relaxed);
            let id = serde_json::from_slice::<Body>(&body)
                .ok()
                .and_then(|body| body.data.bench_id.or(body.data.id))
                .and_then(|id| id.parse::<Uuid>().ok());
            if let Some(id) = id
                && let Ok(mut at) = arrivals.at.lock()
            {
                at.entry(id).or_insert(now);
            }
            axum::http::StatusCode::NO_CONTENT
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}
