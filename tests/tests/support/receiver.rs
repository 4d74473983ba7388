//! A real webhook receiver on loopback: records every request (with when it arrived) and answers each
//! path from a script of status codes (the last one repeats; 200 when the path has none), with a body
//! of the test's choosing; a held path keeps its requests waiting until released.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{oneshot, watch};

#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
    /// The status it was answered with.
    pub status: u16,
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
    bodies: HashMap<String, Vec<u8>>,
    /// `Retry-After` sent with the path's 429 and 503 answers.
    retry_after: HashMap<String, String>,
    held: HashSet<String>,
    /// Requests waiting on a held path now.
    waiting: HashMap<String, usize>,
}

struct Shared {
    recorded: Mutex<Recorded>,
    /// Bumped on every release, so held requests look again.
    released: watch::Sender<u64>,
}

pub struct Receiver {
    pub base_url: String,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

async fn record(
    State(shared): State<Arc<Shared>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut released = shared.released.subscribe();
    *shared.lock().waiting.entry(path.clone()).or_default() += 1;
    let _ = released.wait_for(|_| !shared.lock().held.contains(&path)).await;
    let mut recorded = shared.lock();
    if let Some(waiting) = recorded.waiting.get_mut(&path) {
        *waiting -= 1;
    }
    let seen = recorded.requests.iter().filter(|request| request.path == path).count();
    let status = recorded.scripts.get(&path).and_then(|script| script.get(seen).or(script.last()).copied());
    let status = StatusCode::from_u16(status.unwrap_or(200)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let answer = recorded.bodies.get(&path).cloned().unwrap_or_default();
    let mut answer_headers = HeaderMap::new();
    if matches!(status.as_u16(), 429 | 503)
        && let Some(value) = recorded.retry_after.get(&path).and_then(|v| v.parse().ok())
    {
        answer_headers.insert(axum::http::header::RETRY_AFTER, value);
    }
    let request = ReceivedRequest { path, headers, body, at: Instant::now(), status: status.as_u16() };
    recorded.requests.push(request);
    (status, answer_headers, answer)
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.recorded.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Receiver {
    pub async fn start() -> anyhow::Result<Self> {
        let shared = Arc::new(Shared { recorded: Mutex::default(), released: watch::Sender::new(0) });
        let app = Router::new().route("/{path}", axum::routing::post(record)).with_state(shared.clone());
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
        Ok(Self { base_url, shared, _stop: stop })
    }

    /// The URL of one path of this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url)
    }

    /// Answers the next requests to `path` with these codes, in order.
    pub fn script(&self, path: &str, codes: &[u16]) {
        self.shared.lock().scripts.insert(path.to_owned(), codes.to_vec());
    }

    /// Sends this `Retry-After` with the 429 and 503 answers to `path`.
    pub fn retry_after(&self, path: &str, value: &str) {
        self.shared.lock().retry_after.insert(path.to_owned(), value.to_owned());
    }

    /// Answers requests to `path` with this body.
    pub fn answer_with(&self, path: &str, body: &[u8]) {
        self.shared.lock().bodies.insert(path.to_owned(), body.to_vec());
    }

    /// Requests to `path` wait (unanswered, unrecorded) until [`Self::release`].
    pub fn hold(&self, path: &str) {
        self.shared.lock().held.insert(path.to_owned());
    }

    pub fn release(&self, path: &str) {
        self.shared.lock().held.remove(path);
        self.shared.released.send_modify(|generation| *generation += 1);
    }

    /// How many requests to `path` are waiting to be answered.
    pub fn waiting(&self, path: &str) -> usize {
        self.shared.lock().waiting.get(path).copied().unwrap_or(0)
    }

    pub fn requests(&self, path: &str) -> Vec<ReceivedRequest> {
        self.shared.lock().requests.iter().filter(|request| request.path == path).cloned().collect()
    }
}
