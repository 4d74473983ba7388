//! The release `kaiten` binary driven from outside: `kaiten org create` for a token, and `kaiten serve`
//! as a child process on the benchmark's own database and names, its address read from its log.

use crate::setup::Bench;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// An organization created with `kaiten org create`.
pub struct Organization {
    pub id: String,
    pub token: String,
}

/// Creates an organization in the benchmark's database and returns its id and write-all token.
pub async fn org_create(kaiten: &str, bench: &Bench, name: &str) -> anyhow::Result<Organization> {
    let output = Command::new(kaiten)
        .args(["org", "create", "--name", name])
        .env("KAITEN_DATABASE_URL", &bench.db.url)
        .env("KAITEN_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .output()
        .await?;
    anyhow::ensure!(output.status.success(), "kaiten org create failed: {}", String::from_utf8_lossy(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let id = text(&printed["organization"]["id"]).ok_or_else(|| anyhow::anyhow!("no organization id printed"))?;
    let token = text(&printed["token"]).ok_or_else(|| anyhow::anyhow!("no token printed"))?;
    Ok(Organization { id, token })
}

/// A running `kaiten serve`.
pub struct Serve {
    child: Child,
    pub pid: u32,
    /// `http://<address>/api`.
    pub api: String,
}

impl Serve {
    /// Starts `kaiten serve` on a free port with the benchmark's database, slot, exchange and queue;
    /// `env` adds or overrides variables (`KAITEN_ROLES`, pool size, …). Returns once it listens.
    pub async fn start(kaiten: &str, bench: &Bench, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let mut command = Command::new(kaiten);
        command
            .arg("serve")
            .env("KAITEN_PORT", "0")
            .env("KAITEN_DATABASE_URL", &bench.db.url)
            .env("KAITEN_SLOT", &bench.names.slot)
            .env("KAITEN_EXCHANGE", &bench.names.exchange)
            .env("KAITEN_QUEUE", &bench.names.queue)
            .env("KAITEN_WEBHOOKS_ALLOW_PRIVATE", "true")
            .env("KAITEN_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,kaiten=info")
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn()?;
        let pid = child.id().ok_or_else(|| anyhow::anyhow!("kaiten exited at once"))?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow::anyhow!("no stderr from kaiten"))?;
        let (found, address) = tokio::sync::oneshot::channel();
        // Reads the log to its end (a full pipe would block the child); warnings and errors are passed on.
        tokio::spawn(async move {
            let mut found = Some(found);
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(at) = line.find("listening on http://") {
                    let rest = &line[at + "listening on http://".len()..];
                    let address: String = rest.chars().take_while(|c| *c != '/').collect();
                    if let Some(found) = found.take() {
                        let _ = found.send(address);
                    }
                } else if !line.contains("\"level\":\"INFO\"") {
                    eprintln!("kaiten: {line}");
                }
            }
        });
        let address = tokio::time::timeout(Duration::from_secs(120), address)
            .await
            .map_err(|_| anyhow::anyhow!("kaiten serve did not listen within 120 s"))?
            .map_err(|_| anyhow::anyhow!("kaiten serve exited before listening"))?;
        Ok(Self { child, pid, api: format!("http://{address}/api") })
    }

    /// The child's peak resident set so far, in MiB (`VmHWM` from /proc).
    pub fn peak_rss_mib(&self) -> Option<f64> {
        peak_rss_mib(self.pid)
    }

    /// Stops the child with SIGTERM (so it releases its slot) and waits up to 30 s for it to exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = std::process::Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .map_err(|_| anyhow::anyhow!("kaiten serve did not stop within 30 s of SIGTERM"))??;
        anyhow::ensure!(status.success(), "kaiten serve exited with {status}");
        Ok(())
    }
}

/// The peak resident set of a process, in MiB.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// An HTTP client for the API (plain http on loopback, pooled keep-alive connections).
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    kaiten_webhook_http::install_default_crypto_provider();
    Ok(reqwest::Client::builder().no_proxy().pool_max_idle_per_host(256).build()?)
}

/// A unique customer name, so the slug derived from it is unique too.
pub fn customer_name() -> String {
    format!("Bench customer {}", uuid::Uuid::new_v4())
}
