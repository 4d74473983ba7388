//! `rateLimit` end to end on the built-in engine with two workers consuming the same queues: the
//! receiver never sees more than the limit in any second, every event still arrives once, and an
//! endpoint without a limit in the same run is not held back.

mod support;

use futures::future::try_join_all;
use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use support::TestApp;
use support::receiver::{ReceivedRequest, Receiver};
use support::webhooks::{create_customer, endpoint, received};

const EVENTS: usize = 10;
const RATE: usize = 2;

/// The most arrivals in any one-second window (each window starting at an arrival).
fn busiest_second(requests: &[ReceivedRequest]) -> usize {
    let mut times: Vec<_> = requests.iter().map(|request| request.at).collect();
    times.sort();
    let window = Duration::from_secs(1);
    times
        .iter()
        .enumerate()
        .map(|(i, start)| times[i..].iter().take_while(|at| **at - *start < window).count())
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn two_workers_together_keep_to_the_rate_limit_and_lose_nothing() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let _second_worker = app.spawn_second_worker(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let body = json!({"url": receiver.url("limited"), "eventNames": ["CUSTOMER_CREATION"], "rateLimit": RATE});
    let (status, created) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    assert_eq!((status, &created["rateLimit"]), (201, &json!(RATE)), "{created}");
    endpoint(&app, &acme, receiver.url("free"), &["CUSTOMER_CREATION"]).await?;

    let names: Vec<String> = (0..EVENTS).map(|n| format!("Customer {n}")).collect();
    try_join_all(names.iter().map(|name| create_customer(&app, &acme, name))).await?;
    let free = received(&receiver, "free", EVENTS).await?;
    let limited = wait_for(Duration::from_secs(60), || async {
        Ok(Some(receiver.requests("limited")).filter(|requests| requests.len() >= EVENTS))
    })
    .await?;

    let ids: HashSet<String> = limited.iter().map(|request| request.header("webhook-id")).collect();
    assert_eq!((limited.len(), ids.len()), (EVENTS, EVENTS), "each event once");
    // Sends start on their slots, 500 ms apart; what arrives may lag by the machine's jitter, so any
    // k consecutive gaps span at least k slots less half a slot.
    let slot = Duration::from_millis(1000 / RATE as u64);
    let mut times: Vec<_> = limited.iter().map(|request| request.at).collect();
    times.sort();
    for (i, first) in times.iter().enumerate() {
        for (k, later) in times[i + 1..].iter().enumerate() {
            let least = slot * (k as u32 + 1) - slot / 2;
            assert!(*later - *first >= least, "arrivals {i} and {} only {:?} apart", i + k + 1, *later - *first);
        }
    }
    assert!(busiest_second(&limited) <= RATE + 1, "{} in one second", busiest_second(&limited));
    // The endpoint without a limit, in the same run, got everything in far less time.
    let span = |requests: &[ReceivedRequest]| {
        let times = requests.iter().map(|r| r.at);
        times.clone().max().zip(times.min()).map(|(last, first)| last - first).unwrap_or_default()
    };
    assert!(span(&free) * 2 < span(&limited), "free {:?}, limited {:?}", span(&free), span(&limited));
    Ok(())
}

#[tokio::test]
async fn a_rate_limit_out_of_range_is_refused_and_null_removes_it() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let body = json!({"url": "https://hooks.acme.example/a", "rateLimit": 0});
    let (status, problem) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("body.rateLimit"), "{problem}");
    let body = json!({"url": "https://hooks.acme.example/a", "rateLimit": 100});
    let (_, created) = app.send(Method::POST, "/api/webhooks", &acme.token, Some(body)).await?;
    let path = format!("/api/webhooks/{}", created["id"].as_str().unwrap_or_default());
    let (_, kept) = app.send(Method::PUT, &path, &acme.token, Some(json!({"description": "gateway"}))).await?;
    assert_eq!(kept["rateLimit"], 100, "omitted keeps it");
    let (_, removed) = app.send(Method::PUT, &path, &acme.token, Some(json!({"rateLimit": null}))).await?;
    assert_eq!(removed["rateLimit"], json!(null));
    Ok(())
}
