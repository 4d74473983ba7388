//! Running the real `kaiten` binary in tests: the command on a test database, `org create`, a
//! `serve` whose listening address is read from its log, and a stop by SIGTERM.

#![allow(dead_code)]

use kaiten_test_support::{KillOnDrop, TestDatabase};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

/// `kaiten` on `db`, logging JSON at the default level.
pub fn kaiten(db: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kaiten"));
    command.env("KAITEN_DATABASE_URL", &db.url).env("KAITEN_LOG_FORMAT", "json").env_remove("RUST_LOG");
    command
}

/// `kaiten` on `db` and the test's own slot, exchange and queues, listening on a free port and
/// allowed to deliver to receivers on loopback.
pub fn kaiten_on(db: &TestDatabase, names: &kaiten_test_support::TestNames) -> Command {
    let mut command = kaiten(db);
    command
        .env("KAITEN_PORT", "0")
        .env("KAITEN_SLOT", &names.slot)
        .env("KAITEN_EXCHANGE", &names.exchange)
        .env("KAITEN_QUEUE", &names.queue)
        .env("KAITEN_WEBHOOKS_ALLOW_PRIVATE", "true");
    command
}

/// `kaiten org create --name <name>`: what it printed (the organization and its token).
pub fn org_create(db: &TestDatabase, name: &str) -> anyhow::Result<serde_json::Value> {
    let created = kaiten(db).args(["org", "create", "--name", name]).output()?;
    anyhow::ensure!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    Ok(serde_json::from_slice(&created.stdout)?)
}

/// Spawns `command` (a `kaiten serve`) and returns it with the address its log says it listens on.
pub fn serve(command: &mut Command) -> anyhow::Result<(KillOnDrop, String)> {
    let mut child = command.arg("serve").stderr(Stdio::piped()).spawn().map(KillOnDrop)?;
    let stderr = child.stderr.take().ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let (found, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on http://".len()..];
                let _ = found.send(rest.chars().take_while(|c| *c != '/').collect::<String>());
            }
        }
    });
    let address = address.recv_timeout(Duration::from_secs(60))?;
    Ok((child, address))
}

/// Sends SIGTERM and waits (at most 30 s) for the process to exit.
pub async fn stop_with_sigterm(mut child: KillOnDrop) -> anyhow::Result<ExitStatus> {
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    anyhow::ensure!(killed.success(), "kill -TERM failed");
    let status = tokio::time::timeout(Duration::from_secs(30), tokio::task::spawn_blocking(move || child.wait()))
        .await
        .map_err(|_| anyhow::anyhow!("kaiten did not stop after SIGTERM"))???;
    Ok(status)
}

/// One request a [`Receiver`] answered.
#[derive(Debug, Clone)]
pub struct Received {
    pub webhook_id: String,
    pub body: serde_json::Value,
    pub status: u16,
}

/// A webhook receiver on loopback: answers 500 to the first `failures` requests of each
/// `webhook-id`, then 200, and records every request.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    failures: usize,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(failures: usize) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        let receiver = Self { url, failures, seen: Default::default() };
        let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(receiver)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Received> {
        self.seen.lock().map(|seen| seen.clone()).unwrap_or_default()
    }
}

async fn receive(
    axum::extract::State(receiver): axum::extract::State<Receiver>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    let webhook_id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let mut seen = receiver.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let before = seen.iter().filter(|received| received.webhook_id == webhook_id).count();
    let status = if before < receiver.failures { 500 } else { 200 };
    seen.push(Received { webhook_id, body, status });
    axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// `GET /api/readyz` of a process: its status and body.
pub async fn readyz(address: &str) -> anyhow::Result<(u16, serde_json::Value)> {
    let response = reqwest::get(format!("http://{address}/api/readyz")).await?;
    Ok((response.status().as_u16(), response.json().await?))
}

/// The type (`classic`, `quorum`) and then the declared arguments of every queue of the local node,
/// by name, as `rabbitmqctl` lists them (AMQP has no way to read a queue's arguments back).
pub fn queue_types() -> anyhow::Result<std::collections::HashMap<String, String>> {
    let listing = ["list_queues", "name", "type", "arguments", "--quiet", "--no-table-headers"];
    let output = Command::new("rabbitmqctl").args(listing).output()?;
    anyhow::ensure!(output.status.success(), "rabbitmqctl: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(name, kind)| (name.trim().to_owned(), kind.trim().to_owned()))
        .collect())
}
