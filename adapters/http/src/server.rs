//! The HTTP server: hyper's HTTP/1 connections with every resource a client can hold bounded — a
//! deadline for a request's headers (which also closes idle keep-alive connections), a deadline for a
//! whole request, a cap on open connections (beyond it, new ones wait in the listen backlog), and a
//! graceful shutdown that closes idle connections at once and ends the rest after a grace period.

use crate::problem::Problem;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// What one client may hold, and how long shutdown waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// To send a request's headers; also how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// For a whole request, body and handler included (answered 408 past it).
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Requests handled at once: more are answered 503 with `Retry-After` at once, so an overload
    /// costs each waiting connection its socket, not a request held in memory.
    pub max_requests_in_flight: usize,
    /// After the shutdown signal, how long requests in flight may still take.
    pub shutdown_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_requests_in_flight: 256,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then shuts down within
/// `limits.shutdown_timeout`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let request_timeout = limits.request_timeout;
    let in_flight = Arc::new(Semaphore::new(limits.max_requests_in_flight.max(1)));
    let router = router
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| within(request_timeout, request, next)))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            admitted(in_flight.clone(), request, next)
        }));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // A slot first: at the cap, new connections wait in the kernel's backlog, not in memory.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted: go on,
                    // after a pause so a persistent error does not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router.clone()));
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let open = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_timeout) => {
            tracing::warn!(open, "closing the connections still busy after the shutdown timeout");
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// Runs the request, or answers 408 once `limit` has passed (the connection is then closed).
async fn within(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = Problem::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!("the request took longer than {} s", limit.as_secs_f64()),
            )
            .into_response();
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Answered whatever the load: liveness does no I/O and holds nothing, and a liveness probe refused
/// for load would have an orchestrator restart a process that is only busy, moving its load onto the
/// others. (Readiness stays under the limit: an overloaded process is not ready for more.)
const ANSWERED_UNDER_LOAD: [&str; 1] = ["/api/healthz"];

/// Runs the request if fewer than the limit are being handled; otherwise answers 503 at once.
async fn admitted(in_flight: Arc<Semaphore>, request: Request, next: Next) -> Response {
    if ANSWERED_UNDER_LOAD.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let Ok(_handling) = in_flight.try_acquire_owned() else {
        return Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the server is handling as many requests as it takes at once; retry shortly",
        )
        .retry_after(1)
        .into_response();
    };
    next.run(request).await
}
