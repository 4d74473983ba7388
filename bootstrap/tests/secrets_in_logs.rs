//! No secret reaches the logs, at any level: `kaiten serve` runs with `RUST_LOG=trace` through the
//! flows that handle them (API tokens minted, used, refused and revoked; webhook endpoints created,
//! delivered to, rotated and their secret read; the Dapr ingress with a right and a wrong token; a
//! database URL with a password), and its whole log is searched for each secret.

mod support;

use kaiten_test_support::{BrokerCleanup, KillOnDrop, TestDatabase, TestNames, wait_for};
use serde_json::{Value, json};
use std::io::Read;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::{kaiten, org_create};

/// A receiver that answers 204 and counts what it got.
async fn receiver() -> anyhow::Result<(String, Arc<AtomicUsize>)> {
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, received))
}

/// `kaiten serve` logging at trace level into a file, with `extra` environment; the address it
/// listens on.
fn serve_tracing(
    db: &TestDatabase,
    names: &TestNames,
    extra: &[(&str, &str)],
    log: &std::path::Path,
) -> anyhow::Result<(KillOnDrop, String)> {
    let file = std::fs::File::create(log)?;
    let mut command = kaiten(db);
    for (name, value) in extra {
        command.env(name, value);
    }
    let child = command
        .env("RUST_LOG", "trace")
        .env("KAITEN_PORT", "0")
        .env("KAITEN_SLOT", &names.slot)
        .env("KAITEN_EXCHANGE", &names.exchange)
        .env("KAITEN_QUEUE", &names.queue)
        .env("KAITEN_WEBHOOKS_ALLOW_PRIVATE", "true")
        .arg("serve")
        .stderr(Stdio::from(file))
        .spawn()
        .map(KillOnDrop)?;
    let address = std::thread::spawn({
        let log = log.to_owned();
        move || -> anyhow::Result<String> {
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(60) {
                let mut text = String::new();
                std::fs::File::open(&log)?.read_to_string(&mut text)?;
                if let Some(at) = text.find("listening on http://") {
                    let rest = &text[at + "listening on http://".len()..];
                    return Ok(rest.chars().take_while(|c| *c != '/').collect());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            anyhow::bail!("kaiten did not start")
        }
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the log reader panicked"))??;
    Ok((child, address))
}

#[tokio::test]
async fn no_secret_appears_in_a_trace_level_log() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let db = TestDatabase::new();
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let db_password = format!("db-pass-{}", uuid::Uuid::new_v4().simple());
    let url = db.url.replacen("postgres://postgres@", &format!("postgres://postgres:{db_password}@"), 1);
    let dapr = format!("dapr-token-{}", uuid::Uuid::new_v4().simple());
    let wrong_dapr = format!("dapr-wrong-{}", uuid::Uuid::new_v4().simple());
    let log = std::env::temp_dir().join(format!("kaiten-trace-{}.log", uuid::Uuid::new_v4()));
    let extra = [("KAITEN_DATABASE_URL", url.as_str()), ("KAITEN_DAPR_API_TOKEN", dapr.as_str())];
    let (child, address) = serve_tracing(&db, &names, &extra, &log)?;
    let (hook, received) = receiver().await?;
    let client = reqwest::Client::new();
    let api = |path: &str| format!("http://{address}{path}");
    let call = |method: reqwest::Method, path: &str, token: &str, body: Option<Value>| {
        let mut request = client.request(method, api(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            Ok::<_, anyhow::Error>((status, response.json::<Value>().await.unwrap_or_default()))
        }
    };
    use reqwest::Method;
    call(Method::POST, "/api/service-accounts", &token, Some(json!({"name": "Bot"}))).await?;
    let (_, minted) = call(
        Method::POST,
        "/api/service-accounts/bot/tokens",
        &token,
        Some(json!({"name": "t", "scopes": ["read:*"]})),
    )
    .await?;
    let minted_token = minted["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(call(Method::GET, "/api/customers", &minted_token, None).await?.0, 200);
    let wrong_token = format!("ksh_{}", "0".repeat(64));
    assert_eq!(call(Method::GET, "/api/customers", &wrong_token, None).await?.0, 401);
    let (status, endpoint) = call(Method::POST, "/api/webhooks", &token, Some(json!({"url": hook}))).await?;
    assert_eq!(status, 201, "{endpoint}");
    let id = endpoint["id"].as_str().unwrap_or_default().to_owned();
    let first_secret = endpoint["signingSecret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(call(Method::POST, "/api/customers", &token, Some(json!({"name": "Globex"}))).await?.0, 201);
    wait_for(Duration::from_secs(30), || async { Ok((received.load(Ordering::SeqCst) >= 1).then_some(())) }).await?;
    let (_, rotated) = call(Method::POST, &format!("/api/webhooks/{id}/rotate-secret"), &token, None).await?;
    let second_secret = rotated["signingSecret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(call(Method::POST, "/api/customers", &token, Some(json!({"name": "Initech"}))).await?.0, 201);
    wait_for(Duration::from_secs(30), || async { Ok((received.load(Ordering::SeqCst) >= 2).then_some(())) }).await?;
    assert_eq!(call(Method::GET, &format!("/api/webhooks/{id}/secret"), &token, None).await?.0, 200);
    for sent in [&dapr, &wrong_dapr] {
        let response = client.get(api("/dapr/subscribe")).header("dapr-api-token", sent.as_str()).send().await?;
        assert_eq!(response.status().as_u16(), if sent == &dapr { 200 } else { 401 });
    }
    let minted_slug = minted["slug"].as_str().unwrap_or_default();
    let revoke = format!("/api/service-accounts/bot/tokens/{minted_slug}");
    assert_eq!(call(Method::DELETE, &revoke, &token, None).await?.0, 204);
    support::stop_with_sigterm(child).await?;

    let mut text = String::new();
    std::fs::File::open(&log)?.read_to_string(&mut text)?;
    let _ = std::fs::remove_file(&log);
    assert!(text.lines().count() > 100, "the log is at trace level ({} lines)", text.lines().count());
    let secrets = [
        ("the organization's token", token.as_str()),
        ("a minted token", &minted_token),
        ("a refused token", &wrong_token),
        ("a signing secret", &first_secret["whsec_".len()..]),
        ("a rotated signing secret", &second_secret["whsec_".len()..]),
        ("the database password", &db_password),
        ("the Dapr token", &dapr),
        ("a wrong Dapr token", &wrong_dapr),
        ("the broker's credentials", "guest:guest@"),
    ];
    for (what, secret) in secrets {
        assert!(secret.len() >= 12, "{what} is too short to search for");
        let line = text.lines().find(|line| line.contains(secret));
        assert!(line.is_none(), "{what} is in the log: {}", line.unwrap_or_default());
    }
    Ok(())
}

#[tokio::test]
async fn the_svix_api_key_never_appears_in_a_trace_level_log() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let db = TestDatabase::new();
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let key = format!("testsk_{}", uuid::Uuid::new_v4().simple());
    // A Svix that refuses connections: registration and sending retry, and log why, all along.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let svix = format!("http://{closed}");
    let log = std::env::temp_dir().join(format!("kaiten-trace-{}.log", uuid::Uuid::new_v4()));
    let extra = [("SVIX_API_KEY", key.as_str()), ("SVIX_SERVER_URL", svix.as_str())];
    let (child, address) = serve_tracing(&db, &names, &extra, &log)?;
    let created = reqwest::Client::new()
        .post(format!("http://{address}/api/customers"))
        .bearer_auth(&token)
        .json(&json!({"name": "Globex"}))
        .send()
        .await?;
    assert_eq!(created.status(), 201);
    wait_for(Duration::from_secs(30), || async {
        let mut text = String::new();
        std::fs::File::open(&log)?.read_to_string(&mut text)?;
        Ok(text.contains("the message waits").then_some(()))
    })
    .await?;
    support::stop_with_sigterm(child).await?;
    let mut text = String::new();
    std::fs::File::open(&log)?.read_to_string(&mut text)?;
    let _ = std::fs::remove_file(&log);
    let line = text.lines().find(|line| line.contains(&key));
    assert!(line.is_none(), "the Svix API key is in the log: {}", line.unwrap_or_default());
    Ok(())
}
