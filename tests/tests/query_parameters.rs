//! A misspelled filter never silently returns everything: every GET route that takes query
//! parameters answers 400 `unknown_query_parameter` to one it does not document, naming it, and
//! names the accepted spelling when the parameter differs from one only in case, `_` or `-`. The
//! routes are read from the OpenAPI document, so a new route is covered as soon as it is documented.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::TestApp;

/// `includeDeleted` → `include_deleted`; a name without capitals → its upper case.
fn misspelled(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        name.chars()
            .flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
            .collect()
    } else {
        name.to_uppercase()
    }
}

/// The GET routes with query parameters, with those parameters' names (path parameters filled in).
fn routes_with_queries(document: &Value) -> Vec<(String, Vec<String>)> {
    let mut routes = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        let Some(parameters) = item["get"]["parameters"].as_array() else { continue };
        let names: Vec<String> = parameters
            .iter()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        if !names.is_empty() {
            let path = path.replace("{slug}", "some-slug").replace("{entitlementSlug}", "other-slug");
            routes.push((path, names));
        }
    }
    routes
}

#[tokio::test]
async fn every_list_route_refuses_a_query_parameter_it_does_not_document() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let tenant = app.tenant("Acme").await?;
    let document: Value = app.client.get(format!("{}/api/openapi.json", app.base_url)).send().await?.json().await?;
    let routes = routes_with_queries(&document);
    assert!(routes.len() >= 12, "expected the list routes in the document, found {}", routes.len());
    let mut wrong = Vec::new();
    for (path, names) in &routes {
        let answer = app.request(Method::GET, &format!("{path}?colour=blue"), &tenant.token).send().await?;
        let status = answer.status();
        let problem: Value = answer.json().await.unwrap_or_default();
        let detail = problem["detail"].as_str().unwrap_or_default();
        if status != StatusCode::BAD_REQUEST
            || problem["code"] != "unknown_query_parameter"
            || !detail.contains("`colour`")
        {
            wrong.push(format!("{path}?colour=blue: {status} {problem}"));
        }
        let accepted = &names[names.len() - 1];
        let variant = misspelled(accepted);
        let answer = app.request(Method::GET, &format!("{path}?{variant}=1"), &tenant.token).send().await?;
        let status = answer.status();
        let problem: Value = answer.json().await.unwrap_or_default();
        let hint = format!("did you mean `{accepted}`?");
        if status != StatusCode::BAD_REQUEST || !problem["detail"].as_str().unwrap_or_default().contains(&hint) {
            wrong.push(format!("{path}?{variant}=1: {status} {problem}"));
        }
    }
    assert!(wrong.is_empty(), "routes that did not refuse an unknown parameter:\n{}", wrong.join("\n"));
    Ok(())
}

#[tokio::test]
async fn documented_parameters_are_still_accepted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let tenant = app.tenant("Acme").await?;
    for path in
        ["/api/customers?limit=5", "/api/instances?includeDeleted=true&limit=2", "/api/webhooks/history?limit=3"]
    {
        let answer = app.request(Method::GET, path, &tenant.token).send().await?;
        assert_eq!(answer.status(), StatusCode::OK, "{path}");
    }
    Ok(())
}
