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
