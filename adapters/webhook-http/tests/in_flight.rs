//! The cap on requests in flight: however many deliveries are handed over at once, at most that many
//! requests are open at the same time; the rest wait their turn and are all made.

mod common;

use axum::extract::State;
use axum::http::StatusCode;
use common::{request, secret, transport};
use futures::future::join_all;
use kaiten_delivery::ports::delivery::WebhookTransport;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;

#[derive(Clone)]
struct Receiver {
    open: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    released: watch::Receiver<bool>,
}

/// Holds every request until released, counting how many are open at once.
async fn hold(State(receiver): State<Receiver>) -> StatusCode {
    let now = receiver.open.fetch_add(1, Ordering::SeqCst) + 1;
    receiver.most.fetch_max(now, Ordering::SeqCst);
    let mut released = receiver.released.clone();
    let _ = released.wait_for(|released| *released).await;
    receiver.open.fetch_sub(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

async fn until(deadline: Duration, condition: impl Fn() -> bool) -> bool {
    tokio::time::timeout(deadline, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_fan_out_beyond_the_cap_waits_instead_of_opening_more_requests() -> anyhow::Result<()> {
    let (release, released) = watch::channel(false);
    let receiver = Receiver { open: Arc::default(), most: Arc::default(), released };
    let app = axum::Router::new().route("/hook", axum::routing::post(hold)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let transport = transport(true).with_max_in_flight(3);
    let all = tokio::spawn(async move {
        join_all((0..10).map(|_| transport.post(request(url.clone(), vec![secret("cap")])))).await
    });
    assert!(until(Duration::from_secs(10), || receiver.open.load(Ordering::SeqCst) == 3).await, "3 requests open");
    let beyond = until(Duration::from_millis(300), || receiver.open.load(Ordering::SeqCst) > 3).await;
    assert!(!beyond, "a fourth request was opened while three were in flight");
    release.send(true)?;
    let responses = tokio::time::timeout(Duration::from_secs(10), all).await??;
    assert!(responses.iter().all(|response| response.status_code == Some(204)), "every delivery was made");
    assert_eq!(receiver.most.load(Ordering::SeqCst), 3);
    Ok(())
}
