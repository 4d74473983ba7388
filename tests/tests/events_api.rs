//! The event feed: the organization's events oldest first, each exactly the body a webhook carries;
//! cursor pagination, filters, scope and isolation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

async fn feed(app: &TestApp, token: &str, query: &str) -> anyhow::Result<(u16, Value)> {
    let (status, body) = app.send(Method::GET, &format!("/api/events{query}"), token, None).await?;
    Ok((status, body))
}

/// Every event of the feed, walking `nextCursor` with pages of `limit`.
async fn walk(app: &TestApp, token: &str, limit: usize) -> anyhow::Result<Vec<Value>> {
    let mut items = Vec::new();
    let mut query = format!("?limit={limit}");
    loop {
        let (status, page) = feed(app, token, &query).await?;
        anyhow::ensure!(status == 200, "{status} {page}");
        let got = page["items"].as_array().cloned().unwrap_or_default();
        anyhow::ensure!(got.len() <= limit, "a page of {} with limit {limit}", got.len());
        items.extend(got);
        if page["hasMore"] != true {
            return Ok(items);
        }
        query = format!("?limit={limit}&after={}", page["nextCursor"].as_str().unwrap_or_default());
    }
}

#[tokio::test]
async fn the_feed_lists_every_event_oldest_first_as_its_webhook_body() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    for n in 0..5 {
        let body = json!({"name": format!("Customer {n}")});
        assert_eq!(app.send(Method::POST, "/api/customers", &acme.token, Some(body)).await?.0, 201);
    }
    let rename = json!({"name": "Customer zero"});
    assert_eq!(app.send(Method::PUT, "/api/customers/customer-0", &acme.token, Some(rename)).await?.0, 200);

    let unchanged = json!({"name": "Customer zero"});
    assert_eq!(app.send(Method::PUT, "/api/customers/customer-0", &acme.token, Some(unchanged)).await?.0, 200);

    let items = walk(&app, &acme.token, 2).await?;
    let mut rows = app.outbox().await?;
    rows.retain(|row| row.organization_id == acme.id);
    assert_eq!(items.len(), rows.len(), "every event once");
    assert_eq!(items.len(), 7);
    assert_eq!(items[5]["previousAttributes"], json!({"name": "Customer 0"}), "what the rename changed");
    assert_eq!(items[6]["previousAttributes"], json!({}), "an update that changed nothing");
    assert!(items[..5].iter().all(|item| item.get("previousAttributes").is_none()), "creations carry none");
    for (item, row) in items.iter().zip(&rows) {
        assert_eq!(item["id"], json!(row.id.simple().to_string()));
        assert_eq!(
            (&item["name"], &item["type"], &item["data"]),
            (&json!(row.event_name), &json!(row.event_type), &row.data)
        );
        assert!(item["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{item}");
    }
    let times: Vec<&str> = items.iter().filter_map(|item| item["timestamp"].as_str()).collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "oldest first: {times:?}");
    assert_eq!(items[5]["name"], "CUSTOMER_UPDATE");

    let id = items[2]["id"].as_str().unwrap_or_default();
    let (status, one) = app.send(Method::GET, &format!("/api/events/{id}"), &acme.token, None).await?;
    assert_eq!((status, &one), (200, &items[2]));

    let (_, last) = feed(&app, &acme.token, "?limit=200").await?;
    assert_eq!((last["hasMore"].clone(), last["items"].as_array().map(Vec::len)), (json!(false), Some(7)));
    let after_all = format!("?after={}", last["nextCursor"].as_str().unwrap_or_default());
    let (_, nothing_new) = feed(&app, &acme.token, &after_all).await?;
    assert_eq!(nothing_new["items"], json!([]), "the last cursor polls for newer events");
    assert_eq!(nothing_new["nextCursor"], last["nextCursor"], "and stays where it was");
    Ok(())
}

#[tokio::test]
async fn filters_narrow_the_feed_and_bad_ones_are_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    app.send(Method::PUT, "/api/customers/globex", &acme.token, Some(json!({"name": "Globex Inc"}))).await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    for (query, expected) in [
        ("?eventName=CUSTOMER_UPDATE", vec!["CUSTOMER_UPDATE"]),
        ("?eventName=CUSTOMER_UPDATED", vec!["CUSTOMER_UPDATE"]),
        ("?eventName=CUSTOMER_CREATION,RELEASE_CREATION", vec!["CUSTOMER_CREATION", "RELEASE_CREATION"]),
        ("?since=2999-01-01T00:00:00Z", vec![]),
        ("?since=2000-01-01T00:00:00Z", vec!["CUSTOMER_CREATION", "CUSTOMER_UPDATE", "RELEASE_CREATION"]),
    ] {
        let (status, page) = feed(&app, &acme.token, query).await?;
        let names: Vec<&str> =
            page["items"].as_array().into_iter().flatten().filter_map(|i| i["name"].as_str()).collect();
        assert_eq!((status, names), (200, expected), "{query}");
    }
    for query in [
        "?eventName=NO_SUCH_EVENT",
        "?limit=0",
        "?limit=201",
        "?after=not-an-id",
        "?after=0191a5b2000070008000000000000099",
    ] {
        let (status, problem) = feed(&app, &acme.token, query).await?;
        assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")), "{query}: {problem}");
    }
    Ok(())
}

#[tokio::test]
async fn the_feed_is_the_organizations_own_and_needs_read_events() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let globex = app.tenant("Globex").await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Initech"}))).await?;
    let (_, page) = feed(&app, &acme.token, "").await?;
    let id = page["items"][0]["id"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty(), "{page}");

    let (status, theirs) = feed(&app, &globex.token, "").await?;
    assert_eq!((status, theirs["items"].clone()), (200, json!([])), "another organization sees none of them");
    let (status, _) = app.send(Method::GET, &format!("/api/events/{id}"), &globex.token, None).await?;
    assert_eq!(status, 404, "nor any one of them");
    let (_, cursor) = feed(&app, &globex.token, &format!("?after={id}")).await?;
    assert_eq!(cursor["code"], "validation_failed", "nor uses one as its cursor");

    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "crm"}))).await?;
    let body = json!({"name": "crm sync", "scopes": ["read:customers"]});
    let (_, token) = app.send(Method::POST, "/api/service-accounts/crm/tokens", &acme.token, Some(body)).await?;
    let narrow = token["token"].as_str().unwrap_or_default();
    assert_eq!(feed(&app, narrow, "").await?.0, 403);
    assert_eq!(app.send(Method::GET, &format!("/api/events/{id}"), narrow, None).await?.0, 403);
    let body = json!({"name": "reconciler", "scopes": ["read:events"]});
    let (_, token) = app.send(Method::POST, "/api/service-accounts/crm/tokens", &acme.token, Some(body)).await?;
    let reader = token["token"].as_str().unwrap_or_default();
    assert_eq!(feed(&app, reader, "").await?.0, 200);
    Ok(())
}

#[tokio::test]
async fn an_event_committed_late_is_never_skipped_by_a_reader_ahead_of_it() -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Early"}))).await?;
    // A transaction opens and will write an event, but commits only after a newer one is visible.
    let mut slow = app.db.connect().await?;
    slow.batch_execute("BEGIN; SELECT now();").await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Late"}))).await?;
    let (_, page) = feed(&app, &acme.token, "").await?;
    let names: Vec<Value> = page["items"].as_array().into_iter().flatten().map(|i| i["data"]["name"].clone()).collect();
    assert_eq!(names, [json!("Early")], "nothing newer than an open transaction is listed yet");
    let cursor = page["nextCursor"].as_str().unwrap_or_default().to_owned();
    slow.batch_execute(&format!(
        "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id) \
         VALUES (gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', '{{\"name\": \"Slow\"}}', '{}'); COMMIT;",
        acme.id
    ))
    .await?;
    let (_, rest) = feed(&app, &acme.token, &format!("?after={cursor}")).await?;
    let names: Vec<Value> = rest["items"].as_array().into_iter().flatten().map(|i| i["data"]["name"].clone()).collect();
    assert_eq!(names, [json!("Slow"), json!("Late")], "the reader ahead of the slow transaction gets its event too");
    Ok(())
}

#[tokio::test]
async fn customer_and_instance_events_name_their_customer_and_the_feed_filters_by_it() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (_, globex) = app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Globex"}))).await?;
    app.send(Method::POST, "/api/customers", &acme.token, Some(json!({"name": "Initech"}))).await?;
    app.send(Method::POST, "/api/releases", &acme.token, Some(json!({"version": "1.0.0"}))).await?;
    let license = json!({"name": "Pro", "type": "PAID", "isActive": true});
    assert_eq!(app.send(Method::POST, "/api/licenses", &acme.token, Some(license)).await?.0, 201);
    let instance = json!({"name": "Prod", "customerSlug": "globex", "licenseSlug": "pro"});
    assert_eq!(app.send(Method::POST, "/api/instances", &acme.token, Some(instance)).await?.0, 201);
    let lab = json!({"name": "Lab", "customerSlug": "initech", "licenseSlug": "pro"});
    let (status, answer) = app.send(Method::POST, "/api/instances", &acme.token, Some(lab)).await?;
    assert_eq!(status, 201, "{answer}");

    let (_, page) = feed(&app, &acme.token, "").await?;
    let attributed: Vec<(String, Value, Value)> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (b["name"].as_str().unwrap_or_default().to_owned(), b["customerId"].clone(), b["customerSlug"].clone())
        })
        .collect();
    let globex_id = globex["id"].clone();
    assert_eq!(attributed[0], ("CUSTOMER_CREATION".to_owned(), globex_id.clone(), json!("globex")));
    assert_eq!(attributed[1].2, json!("initech"));
    assert_eq!(attributed[2], ("RELEASE_CREATION".to_owned(), Value::Null, Value::Null), "org-wide: none");
    assert_eq!(attributed[3], ("LICENSE_CREATION".to_owned(), Value::Null, Value::Null), "org-wide: none");
    assert_eq!(attributed[4], ("INSTANCE_CREATION".to_owned(), globex_id.clone(), json!("globex")));
    assert_eq!((attributed[5].0.as_str(), &attributed[5].2), ("INSTANCE_CREATION", &json!("initech")));

    for filter in [globex_id.as_str().unwrap_or_default(), "globex"] {
        let (status, page) = feed(&app, &acme.token, &format!("?customerId={filter}")).await?;
        let names: Vec<&str> =
            page["items"].as_array().into_iter().flatten().filter_map(|b| b["name"].as_str()).collect();
        assert_eq!((status, names), (200, vec!["CUSTOMER_CREATION", "INSTANCE_CREATION"]), "{filter}");
    }
    Ok(())
}
