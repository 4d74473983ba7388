//! `kaiten serve` shuts down within `KAITEN_HTTP_SHUTDOWN_TIMEOUT` on SIGTERM even when clients hold
//! connections open: an idle keep-alive connection, one sending its headers a byte at a time and one
//! sending its body slowly.

mod support;

use kaiten_test_support::TestDatabase;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::{kaiten, org_create, serve, stop_with_sigterm};

#[tokio::test]
async fn sigterm_with_slow_clients_attached_exits_within_the_shutdown_timeout() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let (child, address) = serve(
        kaiten(&db)
            .env("KAITEN_PORT", "0")
            .env("KAITEN_ROLES", "api")
            // Far longer than the shutdown bound: only the bound can end these connections in time.
            .env("KAITEN_HTTP_HEADER_READ_TIMEOUT", "5m")
            .env("KAITEN_HTTP_REQUEST_TIMEOUT", "5m")
            .env("KAITEN_HTTP_SHUTDOWN_TIMEOUT", "1s"),
    )?;
    kaiten_webhook_http::install_default_crypto_provider();
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("http://{address}/api/healthz")).send().await?.status(), 200, "kept alive");
    let mut slow_headers = TcpStream::connect(&address)?;
    slow_headers.write_all(b"GET /api/healthz HTTP/1.1\r\nHost: kaiten\r\nX-Slow: a")?;
    let mut slow_body = TcpStream::connect(&address)?;
    let head = format!(
        "POST /api/customers HTTP/1.1\r\nHost: kaiten\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"name\":"
    );
    slow_body.write_all(head.as_bytes())?;

    let started = Instant::now();
    let status = stop_with_sigterm(child).await?;
    let took = started.elapsed();
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(6), "stopping took {took:?}; the bound is 1 s");
    Ok(())
}
