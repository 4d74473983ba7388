//! A real webhook receiver on loopback: records every request and answers each path from a
//! script of status codes (the last one repeats; 200 when the path has none).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

#[derive(Default)]
struct Recorded {
    requests: Vec<ReceivedRequest>,
    scripts: HashMap<String, Vec<u16>>,
}

pub struct Receiver {
    pub base_url: String,
    state: Arc<Mutex<Recorded>>,
    _stop: oneshot::Sender<()>,
}

async fn record(
    State(state): State<Arc<Mutex<Recorded>>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut recorded = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let seen = recorded.requests.iter().filter(|request| request.path == path).count();
    recorded.requests.push(ReceivedRequest { path: path.clone(), headers, body });
    let status = recorded.scripts.get(&path).and_then(|script| script.get(seen).or(script.last()).copied());
    StatusCode::from_u16(status.unwrap_or(200)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl Receiver {
    pub async fn start() -> anyhow::Result<Self> {
        let state = Arc::new(Mutex::new(Recorded::default()));
        let app = Router::new().route("/{path}", axum::routing::post(record)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self { base_url, state, _stop: stop })
    }

    /// The URL of one path of this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url)
    }

    /// Answers the next requests to `path` with these codes, in order.
    pub fn script(&self, path: &str, codes: &[u16]) {
        let mut recorded = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        recorded.scripts.insert(path.to_owned(), codes.to_vec());
    }

    pub fn requests(&self, path: &str) -> Vec<ReceivedRequest> {
        let recorded = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        recorded.requests.iter().filter(|request| request.path == path).cloned().collect()
    }
}
