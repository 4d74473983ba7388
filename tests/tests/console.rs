//! The web console: served from the binary with a strict Content-Security-Policy, and used in a real
//! browser (headless Chromium through chromedriver, both installed by `scripts/browser.sh`) against the
//! whole pipeline: sign in with a token, create an endpoint subscribed to one event, see its delivery
//! in the history, open the message and find the exact body the receiver got, resend it, disable the
//! endpoint, and sign out. Hostile strings are shown as text, never run as markup.

#[path = "console/browser.rs"]
mod browser;
mod support;

use browser::Browser;
use fantoccini::Locator;
use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use support::receiver::Receiver;
use support::{Tenant, TestApp};

const DEADLINE: Duration = Duration::from_secs(30);
const HOSTILE: &str = "<img src=x onerror=\"document.title='injected'\">";

#[tokio::test]
async fn the_console_and_its_assets_are_served_by_the_binary_with_a_strict_policy() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base_url)).send();
    for (path, content_type) in [
        ("/console", "text/html"),
        ("/console/console.js", "text/javascript"),
        ("/console/views.js", "text/javascript"),
        ("/console/api.js", "text/javascript"),
        ("/console/recovery.js", "text/javascript"),
        ("/console/test_send.js", "text/javascript"),
        ("/console/health.js", "text/javascript"),
        ("/console/console.css", "text/css"),
    ] {
        let response = get(path).await?;
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(header("content-type").starts_with(content_type), "{path}: {}", header("content-type"));
        let policy = header("content-security-policy");
        assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(header("x-content-type-options"), "nosniff");
        let text = response.text().await?;
        for remote in ["src=\"http", "href=\"http", "url(http", "fetch(\"http", "import "] {
            assert!(!text.contains(remote), "{path} must not load anything remote ({remote})");
        }
        assert!(!text.contains("innerHTML"), "{path} must render API values as text");
    }
    let root = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let response = root.get(format!("{}/", app.base_url)).send().await?;
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some("/console"));
    Ok(())
}

async fn endpoints(app: &TestApp, tenant: &Tenant) -> anyhow::Result<Vec<Value>> {
    let (_, list) = app.send(Method::GET, "/api/webhooks", &tenant.token, None).await?;
    Ok(list["items"].as_array().cloned().unwrap_or_default())
}

/// Waits until the delivery history (with `filter`) holds `count` attempts: an attempt is recorded
/// once the receiver has answered, and the console reads the history only when asked.
async fn attempts_recorded(app: &TestApp, tenant: &Tenant, filter: &str, count: u64) -> anyhow::Result<()> {
    let path = format!("/api/webhooks/history{filter}");
    wait_for(DEADLINE, || async {
        let (_, page) = app.send(Method::GET, &path, &tenant.token, None).await?;
        Ok((page["total"] == count).then_some(()))
    })
    .await
}

#[tokio::test]
async fn a_user_manages_endpoints_and_inspects_deliveries_in_the_browser() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    let browser = Browser::start().await?;
    let page = &browser.client;

    // A refused token keeps the user on the sign-in form, with the reason.
    page.goto(&format!("{}/console", app.base_url)).await?;
    browser.fill("#token", "ksh_not_a_token").await?;
    browser.click("#sign-in-form button[type=submit]").await?;
    browser.notice("token").await?;

    browser.fill("#token", &acme.token).await?;
    browser.click("#sign-in-form button[type=submit]").await?;
    browser.texts_when("#event-choices input[name=event]", |inputs| inputs.len() == 30).await?;

    // Create an endpoint subscribed to CUSTOMER_CREATION only; the description is hostile markup.
    browser.fill("#endpoint-url", &receiver.url("console")).await?;
    browser.fill("#endpoint-description", HOSTILE).await?;
    browser.click("#endpoint-save").await?;
    browser.notice("Choose the events").await?;
    assert!(endpoints(&app, &acme).await?.is_empty(), "no events chosen: nothing is created");
    browser.click("#event-choices input[value=CUSTOMER_CREATION]").await?;
    browser.click("#endpoint-save").await?;
    browser.notice("whsec_").await?;
    let rows = browser.texts_when("#endpoint-table tbody tr", |rows| rows.len() == 1).await?;
    assert!(rows[0].contains(&receiver.url("console")) && rows[0].contains(HOSTILE), "{rows:?}");
    assert!(page.find_all(Locator::Css("#endpoint-table img")).await?.is_empty(), "markup must not be rendered");
    assert_ne!(page.title().await?, "injected");
    let created = endpoints(&app, &acme).await?;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["eventNames"], json!(["CUSTOMER_CREATION"]));
    assert_eq!(created[0]["description"], HOSTILE);
    // The list shows the secret masked; "Show secret" reads it from /secret.
    let masked = created[0]["signingSecret"].as_str().unwrap_or_default().to_owned();
    assert!(masked.starts_with("whsec_****"), "{masked}");
    let secret_path = format!("/api/webhooks/{}/secret", created[0]["id"].as_str().unwrap_or_default());
    let (_, secret) = app.send(Method::GET, &secret_path, &acme.token, None).await?;
    let secret = secret["signingSecret"].as_str().unwrap_or_default().to_owned();
    browser.texts_when("#endpoint-table .secret code", |shown| shown == [masked.clone()]).await?;
    browser.click("#endpoint-table .reveal").await?;
    browser.texts_when("#endpoint-table .secret code", |shown| shown == [secret.clone()]).await?;

    // One subscribed event and one that is not: only the first is delivered and listed.
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    let delivered = wait_for(DEADLINE, || async { Ok(receiver.requests("console").into_iter().next()) }).await?;

    attempts_recorded(&app, &acme, "?status=success", 1).await?;
    browser.click("nav .tab[data-tab=history]").await?;
    let cells = |column: usize| format!("#history-table tbody tr td:nth-child({column})");
    assert_eq!(browser.texts_when(&cells(2), |texts| !texts.is_empty()).await?, ["CUSTOMER_CREATION"]);
    assert_eq!(browser.texts_when(&cells(4), |texts| !texts.is_empty()).await?, ["success"]);
    assert_eq!(browser.texts_when(&cells(5), |texts| !texts.is_empty()).await?, ["200"]);

    // The inspector shows the exact body the receiver got.
    browser.click("#history-table tbody tr").await?;
    let payload = browser.texts_when("#message-payload", |texts| texts.iter().any(|t| !t.is_empty())).await?;
    let shown: Value = serde_json::from_str(&payload.concat())?;
    assert_eq!(shown, delivered.json());

    // Resend delivers the same message again.
    browser.click("#attempt-table .resend").await?;
    browser.notice("Resend queued (1 attempt)").await?;
    let again = wait_for(DEADLINE, || async { Ok(receiver.requests("console").get(1).cloned()) }).await?;
    assert_eq!(again.header("webhook-id"), delivered.header("webhook-id"));
    assert_eq!(again.json(), delivered.json());
    attempts_recorded(&app, &acme, "", 2).await?;
    browser.click("#message-reload").await?;
    browser.texts_when("#attempt-table tbody tr", |rows| rows.len() == 2).await?;

    // Scope it to Globex with the organization's events and add RELEASE_CREATION; then replay what it
    // never had: the release created before, and nothing else.
    browser.click("nav .tab[data-tab=endpoints]").await?;
    browser.click("#endpoint-table .edit").await?;
    browser.fill("#endpoint-customers", "globex").await?;
    browser.click("#endpoint-organization-events").await?;
    browser.click("#event-choices input[value=RELEASE_CREATION]").await?;
    browser.fill("#endpoint-headers", "X-Gateway-Key: k-1").await?;
    browser.click("#endpoint-save").await?;
    browser.notice("Endpoint saved").await?;
    let (_, globex) = app.send(Method::GET, "/api/customers/globex", &acme.token, None).await?;
    let scoped = endpoints(&app, &acme).await?;
    assert_eq!(scoped[0]["customerIds"], json!([globex["id"]]), "the slug typed is stored as the customer's id");
    assert_eq!(scoped[0]["includeOrganizationEvents"], true);
    assert_eq!(scoped[0]["headers"], json!([{"name": "X-Gateway-Key", "value": null, "secret": true}]));
    let rows =
        browser.texts_when("#endpoint-table tbody tr", |rows| rows.iter().any(|r| r.contains("1 customer"))).await?;
    assert!(rows[0].contains("organization events"), "{rows:?}");
    browser.click("#endpoint-table .recover").await?;
    page.find(Locator::Css("#recover-kind option[value=replay]")).await?.click().await?;
    browser.click("#recover-start").await?;
    let progress =
        browser.texts_when("#recover-progress", |texts| texts.iter().any(|t| t.contains("finished"))).await?.concat();
    assert!(progress.contains("1 queued") && progress.contains("1 succeeded"), "{progress}");
    let replayed = wait_for(DEADLINE, || async { Ok(receiver.requests("console").get(2).cloned()) }).await?;
    assert_eq!(replayed.json()["name"], "RELEASE_CREATION");
    assert_eq!(replayed.header("x-gateway-key"), "k-1", "the header typed in the console is sent");
    assert_eq!(receiver.requests("console").len(), 3, "only the message it never had");

    // A test send of an event picked from the catalog shows the receiver's answer.
    browser.click("#endpoint-table .test").await?;
    page.find(Locator::Css("#test-event option[value=LICENSE_CREATION]")).await?.click().await?;
    browser.click("#test-send").await?;
    let answer = browser.texts_when("#test-result", |texts| texts.iter().any(|t| t.contains("HTTP"))).await?.concat();
    assert!(answer.starts_with("success — HTTP 200"), "{answer}");
    let tested = wait_for(DEADLINE, || async { Ok(receiver.requests("console").get(3).cloned()) }).await?;
    assert_eq!((&tested.json()["name"], &tested.json()["test"]), (&json!("LICENSE_CREATION"), &json!(true)));

    // The health chart draws the numbers the API gives.
    let endpoint_id = endpoints(&app, &acme).await?[0]["id"].as_str().unwrap_or_default().to_owned();
    browser.click("#endpoint-table .health").await?;
    browser.texts_when("#health-summary", |texts| texts.iter().any(|t| t.contains("succeeded"))).await?;
    let (_, stats) =
        app.send(Method::GET, &format!("/api/webhooks/{endpoint_id}/stats?bucket=1h"), &acme.token, None).await?;
    let mut drawn = Vec::new();
    for bar in page.find_all(Locator::Css("#health-chart g.bucket")).await? {
        let count = |value: Option<String>| value.and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1);
        drawn.push((count(bar.attr("data-success").await?), count(bar.attr("data-fail").await?)));
    }
    let given: Vec<(i64, i64)> = stats["buckets"]
        .as_array()
        .map(|buckets| {
            buckets.iter().map(|b| (b["success"].as_i64().unwrap_or(0), b["fail"].as_i64().unwrap_or(0))).collect()
        })
        .unwrap_or_default();
    assert_eq!((drawn.len(), &drawn), (24, &given));
    assert_eq!(
        drawn.iter().map(|(success, _)| success).sum::<i64>(),
        4,
        "the original, the resend, the replay, the test"
    );

    // Disable it from the endpoint table.
    browser.click("#endpoint-table .toggle").await?;
    browser.texts_when("#endpoint-table .badge", |badges| badges == ["disabled"]).await?;
    // The table shows the endpoint's success rate over the last 24 hours, as the API gives it.
    let (_, day) = app.send(Method::GET, &format!("/api/webhooks/{endpoint_id}/stats"), &acme.token, None).await?;
    let expected = format!("{} %", (day["successRate"].as_f64().unwrap_or(-1.0) * 1000.0).round() / 10.0);
    browser.texts_when("#endpoint-table .rate", |rates| rates == [expected.clone()]).await?;
    assert_eq!(endpoints(&app, &acme).await?[0]["disabled"], true);

    // The organization's spelling of event names: Kaiten's current one from now on.
    page.find(Locator::Css("#event-naming option[value=current]")).await?.click().await?;
    browser.click("#naming-save").await?;
    browser.notice("Saved").await?;
    let (_, organization) = app.send(Method::GET, "/api/organization", &acme.token, None).await?;
    assert_eq!(organization["webhookEventNames"], "current");

    // Signing out forgets the token and everything shown for it; a reload shows the sign-in form.
    browser.click("#sign-out").await?;
    let left_over = page
        .execute(
            "return [sessionStorage.getItem('kaiten-console-token'), document.querySelector('#token').value,
                     document.querySelector('#message').hidden, document.querySelector('#app').hidden,
                     document.querySelectorAll('#endpoint-table tbody tr, #history-table tbody tr').length,
                     document.querySelectorAll('#filter-endpoint option').length]",
            vec![],
        )
        .await?;
    assert_eq!(left_over, json!([null, "", true, true, 0, 1]));
    page.refresh().await?;
    page.wait().at_most(DEADLINE).for_element(Locator::Css("body[aria-busy=false]")).await?;
    assert!(page.find(Locator::Css("#sign-in")).await?.is_displayed().await?);
    assert!(!page.find(Locator::Css("#app")).await?.is_displayed().await?);
    browser.client.clone().close().await?;
    Ok(())
}

#[tokio::test]
async fn every_event_with_an_operational_one_and_a_rate_limit_are_saved_from_the_form() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let browser = Browser::start().await?;
    browser.client.goto(&format!("{}/console", app.base_url)).await?;
    browser.fill("#token", &acme.token).await?;
    browser.click("#sign-in-form button[type=submit]").await?;
    browser.texts_when("#event-choices input[name=event]", |inputs| inputs.len() == 30).await?;
    browser.fill("#endpoint-url", "https://hooks.acme.example/ops").await?;
    browser.fill("#endpoint-rate-limit", "7").await?;
    browser.click("#all-events").await?;
    // The domain events are greyed out by "every event"; the operational ones can still be picked.
    browser.click("#event-choices input[value=WEBHOOK_ENDPOINT_DISABLED]").await?;
    browser.click("#endpoint-save").await?;
    browser.notice("whsec_").await?;
    let created = endpoints(&app, &acme).await?;
    let names: Vec<&str> =
        created[0]["eventNames"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let domain_events: Vec<&str> = kaiten_domain::EventKind::domain_events().map(|kind| kind.name()).collect();
    assert_eq!(names.len(), 28, "{names:?}");
    assert_eq!(created[0]["rateLimit"], 7);
    assert!(domain_events.iter().all(|name| names.contains(name)) && names.contains(&"WEBHOOK_ENDPOINT_DISABLED"));
    Ok(())
}
