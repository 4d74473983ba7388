//! Endpoints scoped to customers on the built-in engine, end to end (API → outbox → WAL → relay →
//! RabbitMQ → worker → engine → a real receiver): each endpoint gets its customers' events, the
//! organization-wide ones only when it asks for them, and a deleted customer's last event; the
//! endpoint then says which of its customers are gone.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::receiver::{ReceivedRequest, Receiver};
use support::webhooks::received;
use support::{Tenant, TestApp};

const EVENTS: [&str; 3] = ["CUSTOMER_UPDATE", "CUSTOMER_DELETION", "RELEASE_CREATION"];

async fn created(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> anyhow::Result<Value> {
    let (status, answer) = app.send(Method::POST, path, &tenant.token, Some(body)).await?;
    anyhow::ensure!(status == 201, "{path}: {status} {answer}");
    Ok(answer)
}

fn names(requests: &[ReceivedRequest]) -> Vec<String> {
    let mut names: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.json()["name"].as_str().unwrap_or_default(),
                r.json()["customerSlug"].as_str().unwrap_or("-")
            )
        })
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn endpoints_receive_their_customers_events_and_organization_events_only_when_asked() -> anyhow::Result<()> {
    let receiver = Receiver::start().await?;
    let app = TestApp::spawn_delivering(|_| {}).await?;
    let acme = app.tenant("Acme").await?;
    created(&app, &acme, "/api/customers", json!({"name": "Initech"})).await?;
    let globex = created(&app, &acme, "/api/customers", json!({"name": "Globex"})).await?;
    let globex_id = globex["id"].as_str().unwrap_or_default().to_owned();

    let initech_endpoint = created(
        &app,
        &acme,
        "/api/webhooks",
        json!({"url": receiver.url("initech"), "eventNames": EVENTS, "customerIds": ["initech"]}),
    )
    .await?;
    created(
        &app,
        &acme,
        "/api/webhooks",
        json!({"url": receiver.url("globex"), "eventNames": EVENTS,
        "customerIds": [globex_id], "includeOrganizationEvents": true}),
    )
    .await?;
    created(&app, &acme, "/api/webhooks", json!({"url": receiver.url("all"), "eventNames": EVENTS})).await?;
    assert_eq!(initech_endpoint["includeOrganizationEvents"], false);
    let initech_id = {
        let (_, initech) = app.send(Method::GET, "/api/customers/initech", &acme.token, None).await?;
        initech["id"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(initech_endpoint["customerIds"], json!([initech_id]), "the slug is stored as the customer's id");

    app.send(Method::PUT, "/api/customers/initech", &acme.token, Some(json!({"name": "Initech Corp"}))).await?;
    app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({"name": "Globex Inc"}))).await?;
    created(&app, &acme, "/api/releases", json!({"version": "1.0.0"})).await?;
    app.send(Method::DELETE, "/api/customers/initech", &acme.token, None).await?;

    let all = received(&receiver, "all", 4).await?;
    assert_eq!(
        names(&all),
        ["CUSTOMER_DELETION initech", "CUSTOMER_UPDATE globex", "CUSTOMER_UPDATE initech", "RELEASE_CREATION -"]
    );
    let initech = received(&receiver, "initech", 2).await?;
    assert_eq!(
        names(&initech),
        ["CUSTOMER_DELETION initech", "CUSTOMER_UPDATE initech"],
        "its customer's, the deletion included"
    );
    let globex = received(&receiver, "globex", 2).await?;
    assert_eq!(
        names(&globex),
        ["CUSTOMER_UPDATE globex", "RELEASE_CREATION -"],
        "its customer's and the organization's"
    );

    // A last organization event: it reaches the endpoints that take them, and still not the other.
    created(&app, &acme, "/api/releases", json!({"version": "2.0.0"})).await?;
    received(&receiver, "all", 5).await?;
    received(&receiver, "globex", 3).await?;
    assert_eq!(receiver.requests("initech").len(), 2, "nothing else reached the endpoint scoped to Initech");

    let id = initech_endpoint["id"].as_str().unwrap_or_default();
    let (status, endpoint) = app.send(Method::GET, &format!("/api/webhooks/{id}"), &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_eq!(endpoint["deletedCustomerIds"], json!([initech_id]), "the endpoint says its customer is gone");
    let (_, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    let in_list = listed["items"].as_array().and_then(|items| items.iter().find(|item| item["id"] == id).cloned());
    assert_eq!(in_list.map(|item| item["deletedCustomerIds"].clone()), Some(json!([initech_id])));

    // Widening it again: `[]` means every event once more.
    let (status, widened) =
        app.send(Method::PUT, &format!("/api/webhooks/{id}"), &acme.token, Some(json!({"customerIds": []}))).await?;
    assert_eq!((status, &widened["customerIds"], &widened["deletedCustomerIds"]), (200, &json!([]), &json!([])));
    Ok(())
}

#[tokio::test]
async fn unknown_or_malformed_customers_and_too_many_are_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let other = app.tenant("Other").await?;
    let theirs = created(&app, &other, "/api/customers", json!({"name": "Theirs"})).await?;
    let url = "https://hooks.example.com/x";
    for (customers, location) in [
        (json!(["nobody"]), "body.customerIds"),
        (json!([theirs["id"]]), "body.customerIds"),
        (json!(["Not A Slug!"]), "body.customerIds[0]"),
        (json!((0..101).map(|i| format!("c{i}")).collect::<Vec<_>>()), "body.customerIds"),
    ] {
        let (status, problem) = app
            .send(Method::POST, "/api/webhooks", &acme.token, Some(json!({"url": url, "customerIds": customers})))
            .await?;
        assert_eq!(status, 422, "{customers}: {problem}");
        let located =
            problem["errors"].as_array().is_some_and(|errors| errors.iter().any(|e| e["location"] == location));
        assert!(located, "{customers}: {problem}");
    }
    let (status, listed) = app.send(Method::GET, "/api/webhooks", &acme.token, None).await?;
    assert_eq!((status, listed["total"].as_i64()), (200, Some(0)), "nothing was created");
    Ok(())
}
