//! Steps the webhook end-to-end tests share: an endpoint made through the API, a customer created
//! (which emits an event), and waiting for a receiver to get a number of requests.

use super::receiver::{ReceivedRequest, Receiver};
use super::{Tenant, TestApp};
use kaiten_test_support::wait_for;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

/// How long a test waits for a delivery.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Creates an endpoint for `url` subscribed to `events` (none: every domain event): its id and secret.
pub async fn endpoint(
    app: &TestApp,
    tenant: &Tenant,
    url: String,
    events: &[&str],
) -> anyhow::Result<(String, String)> {
    let body = json!({"url": url, "eventNames": events});
    let (status, created) = app.send(Method::POST, "/api/webhooks", &tenant.token, Some(body)).await?;
    anyhow::ensure!(status == 201, "endpoint not created: {status} {created}");
    let text = |field: &str| created[field].as_str().unwrap_or_default().to_owned();
    Ok((text("id"), text("signingSecret")))
}

/// Creates a customer named `name` (a `CUSTOMER_CREATION` event).
pub async fn create_customer(app: &TestApp, tenant: &Tenant, name: &str) -> anyhow::Result<()> {
    let (status, body) = app.send(Method::POST, "/api/customers", &tenant.token, Some(json!({"name": name}))).await?;
    anyhow::ensure!(status == 201, "customer not created: {body}");
    Ok(())
}

/// The requests made to `path` once there are at least `count`.
pub async fn received(receiver: &Receiver, path: &str, count: usize) -> anyhow::Result<Vec<ReceivedRequest>> {
    wait_for(DEADLINE, || async { Ok(Some(receiver.requests(path)).filter(|requests| requests.len() >= count)) }).await
}
