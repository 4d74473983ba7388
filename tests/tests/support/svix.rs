//! A local stand-in for the Svix API: registers event types, creates applications and accepts
//! messages (keeping them), answering 503 until it is switched on.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Svix {
    /// Whether it answers (503 until switched on).
    pub up: AtomicBool,
    /// The messages it accepted, as sent.
    pub messages: Mutex<Vec<Value>>,
}

const NOW: &str = "2026-12-01T12:00:00Z";

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"code": "unavailable", "detail": "down"}))).into_response()
}

async fn upsert_event_type(State(svix): State<Arc<Svix>>, Path(name): Path<String>) -> Response {
    if !svix.up.load(Ordering::SeqCst) {
        return unavailable();
    }
    Json(json!({"name": name, "description": "", "deprecated": false, "createdAt": NOW, "updatedAt": NOW}))
        .into_response()
}

async fn create_application(State(svix): State<Arc<Svix>>, Json(application): Json<Value>) -> Response {
    if !svix.up.load(Ordering::SeqCst) {
        return unavailable();
    }
    let uid = application["uid"].clone();
    Json(json!({"id": "app_1", "uid": uid, "name": uid, "createdAt": NOW, "updatedAt": NOW, "metadata": {}}))
        .into_response()
}

async fn create_message(State(svix): State<Arc<Svix>>, Json(message): Json<Value>) -> Response {
    if !svix.up.load(Ordering::SeqCst) {
        return unavailable();
    }
    let out = json!({"id": "msg_1", "eventId": message["eventId"], "eventType": message["eventType"],
        "payload": message["payload"], "timestamp": NOW});
    if let Ok(mut messages) = svix.messages.lock() {
        messages.push(message);
    }
    (StatusCode::ACCEPTED, Json(out)).into_response()
}

/// Serves the stand-in on a free loopback port: its base URL.
pub async fn start(svix: Arc<Svix>) -> anyhow::Result<String> {
    let app = Router::new()
        .route("/api/v1/event-type/{name}", put(upsert_event_type))
        .route("/api/v1/app", post(create_application))
        .route("/api/v1/app/{app}/msg", post(create_message))
        .with_state(svix);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}
