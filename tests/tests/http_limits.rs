//! What a client can hold of the server is bounded: a slow sender of headers is cut off, a request
//! that takes too long is answered 408, connections beyond the cap wait for a free one, requests
//! beyond the number handled at once are answered 503 at once, and a request that finds the database
//! pool exhausted is answered 503 with `Retry-After` instead of hanging.

mod support;

use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use support::TestApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Sends `bytes` one every `pause` until the server closes the connection; how long that took and how
/// many bytes went out.
async fn trickle(address: &str, bytes: &[u8], pause: Duration) -> anyhow::Result<(Duration, usize)> {
    let mut stream = TcpStream::connect(address).await?;
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    for (sent, byte) in bytes.iter().enumerate() {
        if stream.write_all(&[*byte]).await.is_err() {
            return Ok((started.elapsed(), sent));
        }
        // The server closing (or answering) ends the trickle.
        match tokio::time::timeout(pause, stream.read(&mut buffer)).await {
            Ok(Ok(_)) | Ok(Err(_)) => return Ok((started.elapsed(), sent + 1)),
            Err(_) => {}
        }
    }
    Ok((started.elapsed(), bytes.len()))
}

#[tokio::test]
async fn a_client_sending_its_headers_a_byte_at_a_time_is_cut_off() -> anyhow::Result<()> {
    let app = TestApp::spawn_configured("api", None, |config| {
        config.http_header_read_timeout = std::time::Duration::from_secs(1)
    })
    .await?;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let headers = format!("GET /api/healthz HTTP/1.1\r\nHost: {address}\r\nX-Slow: {}\r\n\r\n", "a".repeat(40));
    let (elapsed, sent) = trickle(&address, headers.as_bytes(), Duration::from_millis(250)).await?;
    assert!(sent < headers.len(), "the server waited for the whole header ({elapsed:?})");
    assert!(elapsed < Duration::from_secs(5), "cut off after {elapsed:?}, the limit is 1 s");
    assert!(elapsed >= Duration::from_millis(900), "cut off before the limit: {elapsed:?}");
    Ok(())
}

#[tokio::test]
async fn a_request_longer_than_the_request_timeout_is_answered_408() -> anyhow::Result<()> {
    let app = TestApp::spawn_configured("api", None, |config| {
        config.http_request_timeout = std::time::Duration::from_secs(1)
    })
    .await?;
    let tenant = app.tenant("Acme").await?;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await?;
    let head = format!(
        "POST /api/customers HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        tenant.token
    );
    stream.write_all(head.as_bytes()).await?;
    let started = Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await??;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json") && answer.contains("request_timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    Ok(())
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() -> anyhow::Result<()> {
    let app = TestApp::spawn_configured("api", None, |config| config.http_max_connections = 2).await?;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let first = TcpStream::connect(&address).await?;
    let _second = TcpStream::connect(&address).await?;
    let health = format!("{}/api/healthz", app.base_url);
    let mut waiting = tokio::spawn({
        let client = reqwest::Client::new();
        async move { client.get(health).send().await.map(|response| response.status().as_u16()) }
    });
    let early = tokio::time::timeout(Duration::from_millis(500), &mut waiting).await;
    assert!(early.is_err(), "a third connection was served while two held every slot");
    drop(first);
    let status = tokio::time::timeout(Duration::from_secs(10), waiting).await???;
    assert_eq!(status, 200, "served once a slot was free");
    Ok(())
}

#[tokio::test]
async fn an_exhausted_database_pool_answers_503_with_retry_after() -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::spawn_configured("api", None, |config| {
        config.database_max_connections = 1;
        config.database_pool_timeout = std::time::Duration::from_millis(300);
    })
    .await?;
    let tenant = app.tenant("Acme").await?;
    // The only pooled connection waits on this lock inside the create's transaction.
    let mut locker = app.db.connect().await?;
    locker.batch_execute("BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE").await?;
    let blocked = tokio::spawn({
        let request = app.request(Method::POST, "/api/customers", &tenant.token).json(&json!({"name": "Globex"}));
        async move { request.send().await.map(|response| response.status().as_u16()) }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let response = loop {
        let started = Instant::now();
        let response = app.request(Method::GET, "/api/organization", &tenant.token).send().await?;
        if response.status() == 503 {
            assert!(started.elapsed() < Duration::from_secs(3), "the 503 took {:?}", started.elapsed());
            break response;
        }
        anyhow::ensure!(Instant::now() < deadline, "the pool never ran out");
    };
    assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    locker.batch_execute("COMMIT").await?;
    assert_eq!(tokio::time::timeout(Duration::from_secs(10), blocked).await???, 201, "the waiting write completes");
    Ok(())
}

#[tokio::test]
async fn requests_beyond_those_handled_at_once_are_answered_503_with_retry_after_except_liveness() -> anyhow::Result<()>
{
    let app = TestApp::spawn_configured("api", None, |config| config.http_max_requests_in_flight = 1).await?;
    let tenant = app.tenant("Acme").await?;
    // A create whose body has not all arrived is being handled: it holds the only place.
    let body = json!({"name": "Held"}).to_string();
    let (head, rest) = body.split_at(4);
    let mut held = TcpStream::connect(app.base_url.trim_start_matches("http://")).await?;
    let request = format!(
        "POST /api/customers HTTP/1.1\r\nHost: kaiten\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        tenant.token,
        body.len()
    );
    held.write_all(request.as_bytes()).await?;
    let customers = format!("{}/api/customers", app.base_url);
    let list = || app.client.get(&customers).bearer_auth(&tenant.token).send();
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        let response = list().await?;
        if response.status() == 503 || Instant::now() > deadline {
            break response;
        }
    };
    assert_eq!(refused.status(), 503, "a second request was handled while the first held the only place");
    assert_eq!(refused.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    let problem: serde_json::Value = refused.json().await?;
    assert_eq!(problem["code"], "overloaded", "{problem}");
    // Liveness is answered whatever the load; readiness is not.
    let health = format!("{}/api/healthz", app.base_url);
    assert_eq!(app.client.get(&health).send().await?.status(), 200, "a busy process is alive");
    assert_eq!(app.client.get(format!("{}/api/readyz", app.base_url)).send().await?.status(), 503);
    // The held request completes, and its place is free again.
    held.write_all(rest.as_bytes()).await?;
    let mut answer = [0u8; 12];
    held.read_exact(&mut answer).await?;
    assert_eq!(&answer, b"HTTP/1.1 201", "{}", String::from_utf8_lossy(&answer));
    assert_eq!(list().await?.status(), 200);
    Ok(())
}
