//! Kaiten's Python SDK as the tests drive it: where `scripts/sdk.sh` installed it, the suite and
//! receiver scripts, and the receiver's verdicts on webhook deliveries.

use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn sdk_python() -> anyhow::Result<PathBuf> {
    let python = match std::env::var_os("KAITEN_SDK_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => {
            PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache/kaiten-sdk/bin/python")
        }
    };
    anyhow::ensure!(python.exists(), "{} is missing: scripts/sdk.sh installs the SDK", python.display());
    Ok(python)
}

pub fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk")
}

/// Runs the SDK's receiver over `deliveries` (secret, request): one verdict per delivery.
pub async fn sdk_verdicts(deliveries: &[(String, super::receiver::ReceivedRequest)]) -> anyhow::Result<Vec<Value>> {
    let mut input = String::new();
    for (secret, request) in deliveries {
        let headers: serde_json::Map<String, Value> = request
            .headers
            .iter()
            .map(|(name, value)| (name.to_string(), Value::from(value.to_str().unwrap_or_default())))
            .collect();
        let body = String::from_utf8_lossy(&request.body);
        input.push_str(&serde_json::json!({"secret": secret, "headers": headers, "body": body}).to_string());
        input.push('\n');
    }
    let python = sdk_python()?;
    let script = sdk_dir().join("verify_webhooks.py");
    let output = tokio::task::spawn_blocking(move || -> std::io::Result<std::process::Output> {
        use std::io::Write;
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes())?;
        }
        child.wait_with_output()
    })
    .await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout.lines().map(|line| serde_json::from_str(line).context("a verdict")).collect()
}
