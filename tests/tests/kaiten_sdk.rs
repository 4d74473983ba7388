//! Kaiten's official Python SDK (`kaitencloud`, installed by `scripts/sdk.sh`) against the live API:
//! `tests/sdk/kaitencloud_suite.py` calls every SDK method of the seven domains, usage and service
//! accounts on one scenario and checks each result. Every method listed in
//! `tests/sdk/supported_methods.txt` must work; the run reports how many of all the SDK's calls do.

mod support;

use anyhow::Context;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::TestApp;

fn sdk_python() -> anyhow::Result<PathBuf> {
    let python = match std::env::var_os("KAITEN_SDK_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => {
            PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache/kaiten-sdk/bin/python")
        }
    };
    anyhow::ensure!(python.exists(), "{} is missing: scripts/sdk.sh installs the SDK", python.display());
    Ok(python)
}

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk")
}

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

/// Runs the SDK's receiver over `deliveries` (secret, request): one verdict per delivery.
async fn sdk_verdicts(deliveries: &[(String, support::receiver::ReceivedRequest)]) -> anyhow::Result<Vec<Value>> {
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

/// With the organization on Kaiten's current names, what the built-in engine delivers verifies and
/// parses into the SDK's typed events; an organization left on the default gets the first catalog's.
#[tokio::test]
async fn the_sdk_receiver_verifies_and_parses_deliveries_with_the_current_names() -> anyhow::Result<()> {
    use reqwest::Method;
    use serde_json::json;
    let receiver = support::receiver::Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let classic = app.tenant("Classic").await?;
    let mut secrets = Vec::new();
    for (tenant, path) in [(&acme, "sdk"), (&classic, "classic")] {
        let (status, org) = app.send(Method::GET, "/api/organization", &tenant.token, None).await?;
        assert_eq!((status, &org["webhookEventNames"]), (200, &json!("classic")));
        let body = json!({"url": receiver.url(path), "eventNames": []});
        let (_, endpoint) = app.send(Method::POST, "/api/webhooks", &tenant.token, Some(body)).await?;
        secrets.push(endpoint["signingSecret"].as_str().unwrap_or_default().to_owned());
    }
    let settings = json!({"webhookEventNames": "current"});
    let (status, org) = app.send(Method::PUT, "/api/organization", &acme.token, Some(settings)).await?;
    assert_eq!((status, &org["webhookEventNames"]), (200, &json!("current")));
    let bad = json!({"webhookEventNames": "x"});
    assert_eq!(app.send(Method::PUT, "/api/organization", &acme.token, Some(bad)).await?.0, 422);

    let writes = [
        ("/api/customers", json!({"name": "Globex", "domain": "globex.example"})),
        ("/api/entitlements", json!({"name": "Seats", "type": "NUMBER"})),
        ("/api/licenses", json!({"name": "Pro", "type": "PAID"})),
        ("/api/releases", json!({"version": "1.0.0"})),
        ("/api/deployment-zones", json!({"name": "EU", "type": "production"})),
    ];
    for (path, body) in writes {
        let (status, answer) = app.send(Method::POST, path, &acme.token, Some(body)).await?;
        assert_eq!(status, 201, "{path}: {answer}");
    }
    let body = json!({"name": "Initech"});
    assert_eq!(app.send(Method::POST, "/api/customers", &classic.token, Some(body)).await?.0, 201);
    let requests = kaiten_test_support::wait_for(std::time::Duration::from_secs(30), || async {
        Ok(Some(receiver.requests("sdk")).filter(|requests| requests.len() >= 5))
    })
    .await?;
    let deliveries: Vec<_> = requests.into_iter().map(|request| (secrets[0].clone(), request)).collect();
    let verdicts = sdk_verdicts(&deliveries).await?;
    let mut names: Vec<&str> = verdicts.iter().filter_map(|v| v["name"].as_str()).collect();
    names.sort_unstable();
    let expected =
        ["CUSTOMER_CREATED", "DEPLOYMENT_ZONE_CREATED", "ENTITLEMENT_CREATED", "LICENSE_CREATED", "RELEASE_CREATED"];
    assert_eq!(names, expected);
    assert!(verdicts.iter().all(|v| v["ok"] == true), "every delivery parses into its SDK model: {verdicts:?}");
    let other = kaiten_test_support::wait_for(std::time::Duration::from_secs(30), || async {
        Ok(receiver.requests("classic").first().cloned())
    })
    .await?;
    assert_eq!(other.json()["name"], "CUSTOMER_CREATION", "the default stays the first catalog's names");
    Ok(())
}
