//! Kaiten's official Python SDK (`kaitencloud`, installed by `scripts/sdk.sh`) against the live API:
//! `tests/sdk/kaitencloud_suite.py` calls every SDK method of the seven domains, usage and service
//! accounts on one scenario and checks each result. Every method listed in
//! `tests/sdk/supported_methods.txt` must work; the run reports how many of all the SDK's calls do.

mod support;

use anyhow::Context;
use serde_json::Value;
use std::collections::BTreeSet;
use support::TestApp;
use support::sdk::{sdk_dir, sdk_python};

/// Runs the suite against `app` as `token`: its JSON report.
async fn run_suite(app: &TestApp, token: &str) -> anyhow::Result<Value> {
    let python = sdk_python()?;
    let mut command = std::process::Command::new(python);
    command
        .arg(sdk_dir().join("kaitencloud_suite.py"))
        .env("KAITEN_BASE_URL", &app.base_url)
        .env("KAITEN_AUTH_TOKEN", token);
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout)
        .with_context(|| format!("the suite printed no report: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)))
}

#[tokio::test]
async fn the_sdk_works_on_every_supported_method() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let report = run_suite(&app, &acme.token).await?;
    let calls = report["calls"].as_array().context("calls")?;
    let methods = report["methods"].as_object().context("methods")?;
    let supported: BTreeSet<String> = std::fs::read_to_string(sdk_dir().join("supported_methods.txt"))?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let working = calls.iter().filter(|call| call["ok"] == true).count();
    let working_methods = methods.values().filter(|ok| **ok == true).count();
    println!("SDK calls that work: {working} of {}; methods: {working_methods} of {}", calls.len(), methods.len());
    let failures: Vec<String> = calls
        .iter()
        .filter(|call| call["ok"] != true)
        .map(|call| format!("{}: {}", call["call"].as_str().unwrap_or_default(), call["error"]))
        .collect();
    let unknown: Vec<&String> = supported.iter().filter(|method| !methods.contains_key(*method)).collect();
    assert!(unknown.is_empty(), "supported_methods.txt names methods the suite does not call: {unknown:?}");
    let broken: Vec<&String> = supported.iter().filter(|method| methods[*method] != true).collect();
    assert!(broken.is_empty(), "supported SDK methods fail: {broken:?}\n{}", failures.join("\n"));
    Ok(())
}
