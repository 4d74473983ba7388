//! Customers through the real router and database: CRUD, the outbox row of each mutation, errors
//! that write nothing, scopes, authentication and tenant isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

#[tokio::test]
async fn crud_writes_exactly_the_right_outbox_rows() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;

    let response = app
        .request(Method::POST, "/api/customers", &acme.token)
        .json(&json!({"name": "Globex Corp", "externalCustomerId": "crm-42"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some("/api/customers/globex-corp"));
    let created: Value = response.json().await?;
    assert_eq!(created["slug"], "globex-corp");
    assert_eq!(created["organizationId"], acme.id.to_string());

    let (status, fetched) = app.send(Method::GET, "/api/customers/globex-corp", &acme.token, None).await?;
    assert_eq!((status, &fetched), (200, &created));

    let (status, updated) = app
        .send(
            Method::PUT,
            "/api/customers/globex-corp",
            &acme.token,
            Some(json!({"name": "Globex Inc", "externalCustomerId": null})),
        )
        .await?;
    assert_eq!(status, 200);
    assert_eq!(updated["name"], "Globex Inc");
    assert_eq!(updated["slug"], "globex-corp");
    assert_eq!(updated["externalCustomerId"], Value::Null);

    let (status, _) = app.send(Method::DELETE, "/api/customers/globex-corp", &acme.token, None).await?;
    assert_eq!(status, 204);
    let (status, _) = app.send(Method::GET, "/api/customers/globex-corp", &acme.token, None).await?;
    assert_eq!(status, 404);

    let outbox = app.outbox().await?;
    let summary: Vec<(&str, &str)> = outbox.iter().map(|r| (r.event_name.as_str(), r.event_type.as_str())).collect();
    assert_eq!(
        summary,
        [
            ("CUSTOMER_CREATION", "com.kaiten.customer.v1.created"),
            ("CUSTOMER_UPDATE", "com.kaiten.customer.v1.updated"),
            ("CUSTOMER_DELETION", "com.kaiten.customer.v1.deleted"),
        ]
    );
    assert!(outbox.iter().all(|r| r.organization_id == acme.id));
    assert_eq!(outbox[0].data, created);
    assert_eq!(outbox[1].data, updated);
    assert_eq!(outbox[2].data, updated, "a deletion carries the entity as it was before");
    Ok(())
}

#[tokio::test]
async fn the_request_trace_context_is_stored_with_the_event() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let callers = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let response = app
        .request(Method::POST, "/api/customers", &acme.token)
        .header("traceparent", callers)
        .json(&json!({"name": "Traced"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Fresh"}))).await?;
    assert_eq!(status, 201);

    let outbox = app.outbox().await?;
    let stored: Vec<[String; 4]> = outbox
        .iter()
        .map(|row| w3c_fields(row.traceparent.as_deref().unwrap_or_default()))
        .collect::<Result<_, _>>()?;
    assert_eq!(stored[0][1], "4bf92f3577b34da6a3ce929d0e0e4736", "the caller's trace goes on");
    assert_ne!(stored[0][2], "00f067aa0ba902b7", "in the server's own span");
    assert_eq!(stored[0][3], "01");
    assert_ne!(stored[1][1], stored[0][1], "a request without trace context starts a new trace");
    assert_ne!(stored[1][1], "0".repeat(32));
    assert_ne!(stored[1][2], "0".repeat(16));
    Ok(())
}

/// The four fields of a W3C `traceparent`, checked for their format.
fn w3c_fields(traceparent: &str) -> anyhow::Result<[String; 4]> {
    let fields: Vec<String> = traceparent.split('-').map(str::to_owned).collect();
    let fields: [String; 4] = fields.try_into().map_err(|_| anyhow::anyhow!("not a traceparent: {traceparent:?}"))?;
    let lengths = fields.iter().map(String::len).collect::<Vec<_>>();
    anyhow::ensure!(lengths == [2, 32, 16, 2], "not a traceparent: {traceparent:?}");
    anyhow::ensure!(
        fields.iter().all(|f| f.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))),
        "not lowercase hex: {traceparent:?}"
    );
    Ok(fields)
}

#[tokio::test]
async fn failed_requests_answer_problems_and_write_nothing() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Acme Corp"}))).await?;
    assert_eq!(status, 201);

    let cases = [
        (json!({"name": "Acme Corp"}), 409, "slug_taken"),
        (json!({"name": "Other", "slug": "Not A Slug"}), 422, "validation_failed"),
        (json!({"name": "   "}), 422, "validation_failed"),
        (json!({"name": "Typo", "externalId": "x"}), 422, "invalid_body"),
        (json!({"slug": "no-name"}), 422, "invalid_body"),
        (json!({"name": 42}), 422, "invalid_body"),
        (json!(["not", "an", "object"]), 422, "invalid_body"),
    ];
    for (body, expected_status, expected_code) in cases {
        let response = app.request(Method::POST, "/api/customers", &acme.token).json(&body).send().await?;
        assert_eq!(response.status(), expected_status, "{body}");
        assert_eq!(
            response.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let problem: Value = response.json().await?;
        assert_eq!(problem["code"], expected_code, "{body}: {problem}");
        assert_eq!(problem["status"], expected_status);
        assert!(problem["type"].is_string() && problem["title"].is_string() && problem["detail"].is_string());
    }
    let invalid: Value = app
        .request(Method::POST, "/api/customers", &acme.token)
        .json(&json!({"name": "", "slug": "-x"}))
        .send()
        .await?
        .json()
        .await?;
    let locations: Vec<&str> =
        invalid["errors"].as_array().into_iter().flatten().filter_map(|e| e["location"].as_str()).collect();
    assert_eq!(locations, ["name", "slug"]);

    let malformed = app
        .request(Method::POST, "/api/customers", &acme.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await?;
    assert_eq!(malformed.status(), 400);
    let wrong_type = app
        .request(Method::POST, "/api/customers", &acme.token)
        .header("content-type", "text/plain")
        .body("{\"name\":\"x\"}")
        .send()
        .await?;
    assert_eq!(wrong_type.status(), 415);
    let huge = format!("{{\"name\":\"big\",\"externalCustomerId\":\"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let oversized = app
        .request(Method::POST, "/api/customers", &acme.token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await?;
    assert_eq!(oversized.status(), 413);
    let (status, problem) = app
        .send(Method::PUT, "/api/customers/acme-corp", &acme.token, Some(json!({"name": "Acme", "slug": "BAD"})))
        .await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")));
    let (status, _) = app.send(Method::GET, "/api/customers?limit=500", &acme.token, None).await?;
    assert_eq!(status, 422);

    assert_eq!(app.outbox().await?.len(), 1, "only the one successful creation wrote an event");
    let (_, list) = app.send(Method::GET, "/api/customers", &acme.token, None).await?;
    assert_eq!(list["total"], 1);
    Ok(())
}

#[tokio::test]
async fn lists_are_paged_newest_first() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    for name in ["First", "Second", "Third"] {
        let (status, _) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": name}))).await?;
        assert_eq!(status, 201);
    }
    let (status, page) = app.send(Method::GET, "/api/customers?limit=2", &acme.token, None).await?;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    let names: Vec<&str> = page["items"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Third", "Second"]);
    assert_eq!(page["hasMore"], true);
    let (_, rest) = app.send(Method::GET, "/api/customers?limit=2&offset=2", &acme.token, None).await?;
    assert_eq!(rest["items"][0]["name"], "First");
    assert_eq!((&rest["hasMore"], rest.get("nextCursor")), (&json!(false), None));
    Ok(())
}

/// A client walking `nextCursor` gets every row once, also when rows are added while it walks.
#[tokio::test]
async fn walking_the_cursor_reads_every_row_once() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    for n in 0..7 {
        let body = json!({"name": format!("Customer {n}")});
        assert_eq!(app.send(Method::POST, "/api/customers", &acme.token, Some(body)).await?.0, 201);
    }
    let mut seen = Vec::new();
    let mut path = "/api/customers?limit=3".to_owned();
    loop {
        let (status, page) = app.send(Method::GET, &path, &acme.token, None).await?;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(str::to_owned)),
        );
        if seen.len() == 3 {
            // Added after the walk started: newer than the cursor, so not part of this walk.
            let body = json!({"name": "Late"});
            assert_eq!(app.send(Method::POST, "/api/customers", &acme.token, Some(body)).await?.0, 201);
        }
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/customers?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|n| format!("Customer {n}")).collect();
    assert_eq!(seen, expected);
    let (status, problem) = app.send(Method::GET, "/api/customers?cursor=bogus", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")));
    Ok(())
}

#[tokio::test]
async fn organizations_cannot_reach_each_others_customers() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    let (status, _) =
        app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Shared Name"}))).await?;
    assert_eq!(status, 201);

    for (method, body) in
        [(Method::GET, None), (Method::PUT, Some(json!({"name": "Hijacked"}))), (Method::DELETE, None)]
    {
        let (status, problem) = app.send(method.clone(), "/api/customers/shared-name", &umbrella.token, body).await?;
        assert_eq!(status, 404, "{method}");
        assert_eq!(problem["code"], "not_found");
    }
    let (_, list) = app.send(Method::GET, "/api/customers", &umbrella.token, None).await?;
    assert_eq!(list, json!({"items": [], "hasMore": false, "total": 0}));
    // The same slug is free in another organization.
    let (status, _) =
        app.send(Method::POST, "/api/customers", &umbrella.token, Some(json!({"name": "Shared Name"}))).await?;
    assert_eq!(status, 201);
    let (_, still) = app.send(Method::GET, "/api/customers/shared-name", &acme.token, None).await?;
    assert_eq!(still["organizationId"], acme.id.to_string());
    assert_eq!(app.outbox().await?.iter().filter(|r| r.organization_id == umbrella.id).count(), 1);
    Ok(())
}

#[tokio::test]
async fn a_customer_with_live_instances_cannot_be_deleted() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, customer) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Busy"}))).await?;
    let org = acme.id;
    let customer_id = customer["id"].as_str().unwrap_or_default();
    // Instances have no API yet in this test's scope: place one directly.
    app.execute_sql(&format!(
        "INSERT INTO license_families (id, organization_id, slug, last_version, created_at)
         VALUES ('00000000-0000-0000-0000-00000000000f', '{org}', 'pro', 1, now());
         INSERT INTO licenses (id, organization_id, name, slug, type, version, family_id, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-00000000000a', '{org}', 'Pro', 'pro', 'PAID', 1,
                 '00000000-0000-0000-0000-00000000000f', now(), now());
         INSERT INTO instances (id, organization_id, name, slug, customer_id, license_id, created_at, updated_at)
         VALUES ('00000000-0000-0000-0000-00000000000b', '{org}', 'Prod', 'prod', '{customer_id}',
                 '00000000-0000-0000-0000-00000000000a', now(), now())"
    ))
    .await?;
    let (status, problem) = app.send(Method::DELETE, "/api/customers/busy", &acme.token, None).await?;
    assert_eq!((status, problem["code"].as_str()), (409, Some("in_use")));
    assert_eq!(app.send(Method::GET, "/api/customers/busy", &acme.token, None).await?.0, 200);

    // Once the instance is (soft) deleted, the customer can go.
    app.execute_sql("UPDATE instances SET deleted_at = now()").await?;
    assert_eq!(app.send(Method::DELETE, "/api/customers/busy", &acme.token, None).await?.0, 204);
    let names: Vec<String> = app.outbox().await?.into_iter().map(|r| r.event_name).collect();
    assert_eq!(names, ["CUSTOMER_CREATION", "CUSTOMER_DELETION"]);
    Ok(())
}

/// PUT is a full replacement, as in Kaiten's contract: what the body leaves out is cleared (the slug,
/// an identity, is kept).
#[tokio::test]
async fn a_put_replaces_the_whole_customer() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let body = json!({"name": "Globex", "externalCustomerId": "crm-7", "domain": "globex.example"});
    let (status, created) = app.send(Method::POST, "/api/customers", &acme.token, Some(body)).await?;
    assert_eq!((status, &created["domain"]), (201, &json!("globex.example")));
    let body = json!({"name": "Globex Inc", "domain": "globex.example"});
    let (status, replaced) = app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(body)).await?;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!((&replaced["slug"], &replaced["domain"]), (&json!("globex"), &json!("globex.example")));
    assert_eq!(replaced["externalCustomerId"], Value::Null, "left out, so cleared");
    let body = json!({"name": "Globex Inc", "domain": "Not A Domain"});
    let (status, problem) = app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(body)).await?;
    assert_eq!((status, problem["errors"][0]["location"].as_str()), (422, Some("domain")));
    let (status, problem) = app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({}))).await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("invalid_body")), "the name is required");
    Ok(())
}
