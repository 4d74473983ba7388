//! The OpenAPI document and the docs page: every route of the API contract is documented (with its
//! security scopes), every documented operation is really routed, no route is registered outside
//! the documented router, and `/api/docs` serves Swagger UI from the binary (no CDN).

mod support;

use reqwest::Method;
use serde_json::Value;
use support::TestApp;

/// The API contract (`api.md`): every operation a client may call.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/healthz"),
    ("get", "/api/readyz"),
    ("get", "/api/organization"),
    ("put", "/api/organization"),
    ("get", "/api/service-accounts"),
    ("post", "/api/service-accounts"),
    ("get", "/api/service-accounts/{slug}"),
    ("put", "/api/service-accounts/{slug}"),
    ("get", "/api/service-accounts/{slug}/tokens"),
    ("post", "/api/service-accounts/{slug}/tokens"),
    ("delete", "/api/service-accounts/{slug}/tokens/{tokenSlug}"),
    ("get", "/api/customers"),
    ("post", "/api/customers"),
    ("get", "/api/customers/{slug}"),
    ("put", "/api/customers/{slug}"),
    ("delete", "/api/customers/{slug}"),
    ("get", "/api/entitlements"),
    ("post", "/api/entitlements"),
    ("get", "/api/entitlements/{slug}"),
    ("put", "/api/entitlements/{slug}"),
    ("delete", "/api/entitlements/{slug}"),
    ("get", "/api/licenses"),
    ("post", "/api/licenses"),
    ("get", "/api/licenses/{slug}"),
    ("put", "/api/licenses/{slug}"),
    ("delete", "/api/licenses/{slug}"),
    ("post", "/api/licenses/{slug}/publish"),
    ("post", "/api/licenses/{slug}/archive"),
    ("post", "/api/licenses/{slug}/unarchive"),
    ("get", "/api/licenses/{slug}/entitlements"),
    ("post", "/api/licenses/{slug}/entitlements"),
    ("get", "/api/licenses/{slug}/entitlements/{entitlementSlug}"),
    ("put", "/api/licenses/{slug}/entitlements/{entitlementSlug}"),
    ("delete", "/api/licenses/{slug}/entitlements/{entitlementSlug}"),
    ("get", "/api/instances"),
    ("post", "/api/instances"),
    ("get", "/api/instances/{slug}"),
    ("patch", "/api/instances/{slug}"),
    ("get", "/api/instances/{slug}/audit-trails"),
    ("put", "/api/instances/{slug}"),
    ("delete", "/api/instances/{slug}"),
    ("post", "/api/instances/{slug}/entitlements/{entitlementSlug}/usage"),
    ("get", "/api/instances/{slug}/entitlements/usage"),
    ("get", "/api/instances/{slug}/entitlements/{entitlementSlug}/usage"),
    ("get", "/api/deployment-zones"),
    ("post", "/api/deployment-zones"),
    ("get", "/api/deployment-zones/{slug}"),
    ("put", "/api/deployment-zones/{slug}"),
    ("delete", "/api/deployment-zones/{slug}"),
    ("get", "/api/deployment-zones/{slug}/deployments"),
    ("post", "/api/deployment-zones/{slug}/deployments"),
    ("get", "/api/releases"),
    ("post", "/api/releases"),
    ("get", "/api/releases/{slug}"),
    ("delete", "/api/releases/{slug}"),
    ("get", "/api/feature-flags"),
    ("post", "/api/feature-flags"),
    ("get", "/api/feature-flags/{slug}"),
    ("put", "/api/feature-flags/{slug}"),
    ("delete", "/api/feature-flags/{slug}"),
    ("get", "/api/openfeature/v0/manifest"),
    ("get", "/api/webhooks"),
    ("post", "/api/webhooks"),
    ("get", "/api/webhooks/{id}"),
    ("put", "/api/webhooks/{id}"),
    ("delete", "/api/webhooks/{id}"),
    ("post", "/api/webhooks/{id}/rotate-secret"),
    ("post", "/api/webhooks/{id}/test"),
    ("get", "/api/webhooks/{id}/stats"),
    ("get", "/api/webhooks/{id}/secret"),
    ("get", "/api/webhooks/history"),
    ("get", "/api/webhooks/messages/{eventId}"),
    ("post", "/api/webhooks/messages/{eventId}/resend"),
    ("post", "/api/webhooks/{id}/recover"),
    ("post", "/api/webhooks/{id}/replay"),
    ("get", "/api/webhooks/recoveries/{taskId}"),
    ("get", "/api/events/catalog"),
    ("get", "/api/events"),
    ("get", "/api/events/{id}"),
];

/// Operations anyone may call (no bearer token).
const PUBLIC: &[&str] = &["/api/healthz", "/api/readyz", "/api/events/catalog"];

fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    found
}

#[tokio::test]
async fn every_route_of_the_contract_is_documented_with_its_scope() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    assert_eq!(document["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true));
    assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(document["components"]["schemas"]["Problem"].is_object());
    let documented = operations(&document);
    for (method, path) in CONTRACT {
        let operation = documented.iter().find(|(m, p, _)| m == method && p == path).map(|(_, _, op)| op);
        let operation = operation.unwrap_or_else(|| panic!("{method} {path} is missing from the OpenAPI document"));
        assert!(operation["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path}");
        if !PUBLIC.contains(path) {
            let scopes = &operation["security"][0]["bearer"];
            assert!(scopes.as_array().is_some_and(|s| !s.is_empty()), "{method} {path} names no scope");
            assert!(operation["responses"]["401"].is_object(), "{method} {path} documents no 401");
        }
    }
    assert_eq!(documented.len(), CONTRACT.len(), "the document has operations the contract does not name");
    Ok(())
}

#[tokio::test]
async fn every_documented_operation_is_routed() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    for (method, path, _) in operations(&document) {
        let concrete = path.replace("{eventId}", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").replace(['{', '}'], "");
        let method = Method::from_bytes(method.to_uppercase().as_bytes())?;
        let response = app.client.request(method.clone(), format!("{}{concrete}", app.base_url)).send().await?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or_default();
        assert_ne!(status, 405, "{method} {path}");
        assert_ne!(body["detail"], "no such route", "{method} {path} is documented but not routed");
    }
    Ok(())
}

#[test]
fn no_route_is_registered_outside_the_documented_router() -> anyhow::Result<()> {
    // Documented routes are registered through utoipa-axum's `routes!`; only these meta routes, and the
    // console's pages (outside `/api`, in console.rs), are not.
    let allowed = ["\"/api/openapi.json\"", "\"/metrics\""];
    let console = ["\"/console", ".route(\"/\", "];
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../adapters/http/src");
    let mut files = vec![source];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files
                .extend(std::fs::read_dir(&path)?.map(|entry| entry.map(|e| e.path())).collect::<Result<Vec<_>, _>>()?);
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if line.contains(".route(") {
                let call: String = lines[index..(index + 3).min(lines.len())].concat();
                let in_console = path.ends_with("console.rs") && console.iter().any(|route| call.contains(route));
                assert!(
                    in_console || allowed.iter().any(|route| call.contains(route)),
                    "{}:{}: a route registered without its OpenAPI description",
                    path.display(),
                    index + 1
                );
            }
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_by_the_binary() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base_url)).send();
    let page = get("/api/docs/").await?;
    assert_eq!(page.status(), 200);
    let html = page.text().await?;
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "the page must not load anything from a CDN");
    let initializer = get("/api/docs/swagger-initializer.js").await?.text().await?;
    assert!(initializer.contains("/api/openapi.json"), "{initializer}");
    for asset in ["/api/docs/swagger-ui.css", "/api/docs/swagger-ui-bundle.js"] {
        let response = get(asset).await?;
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.bytes().await?.len() > 1000, "{asset} is served");
    }
    Ok(())
}
