//! Authentication and scopes: service accounts, token issuance, scope checks, expiry and revocation.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestApp;

async fn issue(app: &TestApp, admin: &str, account: &str, scopes: &[&str]) -> anyhow::Result<(u16, Value)> {
    let body = json!({"name": format!("token {}", scopes.join(" ")), "scopes": scopes});
    app.send(Method::POST, &format!("/api/service-accounts/{account}/tokens"), admin, Some(body)).await
}

#[tokio::test]
async fn scopes_decide_what_a_token_may_do() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, account) =
        app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "CI Bot"}))).await?;
    assert_eq!((status, account["slug"].as_str()), (201, Some("ci-bot")));

    let (status, reader) = issue(&app, &acme.token, "ci-bot", &["read:customers"]).await?;
    assert_eq!(status, 201);
    let reader = reader["token"].as_str().unwrap_or_default().to_owned();
    assert!(reader.starts_with("ksh_"));
    let (_, writer) = issue(&app, &acme.token, "ci-bot", &["write:customers"]).await?;
    let writer = writer["token"].as_str().unwrap_or_default().to_owned();
    let (_, everything_read) = issue(&app, &acme.token, "ci-bot", &["read:*"]).await?;
    let everything_read = everything_read["token"].as_str().unwrap_or_default().to_owned();
    let (_, licenses_only) = issue(&app, &acme.token, "ci-bot", &["write:licenses"]).await?;
    let licenses_only = licenses_only["token"].as_str().unwrap_or_default().to_owned();

    let create = |token: String, name: &'static str| {
        let app = &app;
        async move { app.send(Method::POST, "/api/customers", &token, Some(json!({"name": name}))).await }
    };
    assert_eq!(create(reader.clone(), "By Reader").await?.0, 403);
    assert_eq!(create(everything_read.clone(), "By Read All").await?.0, 403);
    assert_eq!(create(licenses_only.clone(), "By Licenses").await?.0, 403);
    assert_eq!(create(writer.clone(), "By Writer").await?.0, 201);
    for token in [&reader, &writer, &everything_read] {
        assert_eq!(
            app.send(Method::GET, "/api/customers/by-writer", token, None).await?.0,
            200,
            "write implies read; read:* reads"
        );
    }
    let (status, problem) = app.send(Method::GET, "/api/customers", &licenses_only, None).await?;
    assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(app.send(Method::GET, "/api/organization", &reader, None).await?.0, 403);
    let (status, organization) = app.send(Method::GET, "/api/organization", &everything_read, None).await?;
    assert_eq!((status, organization["id"].as_str()), (200, Some(acme.id.to_string().as_str())));
    let current_names = json!({"webhookEventNames": "current"});
    let (status, _) = app.send(Method::PUT, "/api/organization", &everything_read, Some(current_names)).await?;
    assert_eq!(status, 403, "changing the organization needs write:organizations");
    assert_eq!(app.outbox().await?.len(), 1, "refused requests wrote nothing");
    Ok(())
}

#[tokio::test]
async fn tokens_are_listed_without_secrets_and_cannot_escalate() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "ops"}))).await?;
    let (_, limited) = issue(&app, &acme.token, "ops", &["write:tokens", "read:customers"]).await?;
    let limited = limited["token"].as_str().unwrap_or_default().to_owned();
    let (status, _) = issue(&app, &limited, "ops", &["write:customers"]).await?;
    assert_eq!(status, 403, "a token cannot mint scopes it does not hold");
    let (status, _) = issue(&app, &limited, "ops", &["read:customers"]).await?;
    assert_eq!(status, 201);
    let (status, problem) = issue(&app, &acme.token, "ops", &["admin:everything"]).await?;
    assert_eq!((status, problem["code"].as_str()), (422, Some("validation_failed")));

    let (status, list) = app.send(Method::GET, "/api/service-accounts/ops/tokens", &acme.token, None).await?;
    assert_eq!((status, list["total"].as_i64()), (200, Some(2)));
    let text = list.to_string();
    assert!(!text.contains("ksh_") && !text.contains("sha256"), "{text}");
    Ok(())
}

#[tokio::test]
async fn missing_unknown_revoked_and_expired_tokens_are_refused() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let anonymous = app.client.get(format!("{}/api/customers", app.base_url)).send().await?;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    let (status, problem) = app.send(Method::GET, "/api/customers", "ksh_0000", None).await?;
    assert_eq!((status, problem["code"].as_str()), (401, Some("invalid_token")));

    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "temp"}))).await?;
    let expires_at = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339();
    let body = json!({"name": "short lived", "scopes": ["read:customers"], "expiresAt": expires_at});
    let (status, short) = app.send(Method::POST, "/api/service-accounts/temp/tokens", &acme.token, Some(body)).await?;
    assert_eq!(status, 201);
    let short = short["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.send(Method::GET, "/api/customers", &short, None).await?.0, 200);
    // Let the hour pass, as another process would: the change reaches this process's token cache
    // through its notification, within milliseconds.
    app.execute_sql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE slug = 'short-lived'")
        .await?;
    let refused = kaiten_test_support::wait_for(std::time::Duration::from_secs(10), || async {
        let (status, problem) = app.send(Method::GET, "/api/customers", &short, None).await?;
        Ok((status == 401).then(|| problem["code"].as_str().map(str::to_owned)))
    })
    .await?;
    assert_eq!(refused.as_deref(), Some("token_expired"));

    let (_, doomed) = issue(&app, &acme.token, "temp", &["read:customers"]).await?;
    let doomed_secret = doomed["token"].as_str().unwrap_or_default().to_owned();
    let doomed_slug = doomed["slug"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.send(Method::GET, "/api/customers", &doomed_secret, None).await?.0, 200);
    let (status, _) = app
        .send(Method::DELETE, &format!("/api/service-accounts/temp/tokens/{doomed_slug}"), &acme.token, None)
        .await?;
    assert_eq!(status, 204);
    let (status, problem) = app.send(Method::GET, "/api/customers", &doomed_secret, None).await?;
    assert_eq!((status, problem["code"].as_str()), (401, Some("token_revoked")));
    Ok(())
}

#[tokio::test]
async fn another_organizations_service_accounts_are_invisible() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let umbrella = app.tenant("Umbrella").await?;
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "private"}))).await?;
    assert_eq!(issue(&app, &umbrella.token, "private", &["read:customers"]).await?.0, 404);
    assert_eq!(app.send(Method::GET, "/api/service-accounts/private/tokens", &umbrella.token, None).await?.0, 404);
    let (_, list) = app.send(Method::GET, "/api/service-accounts", &umbrella.token, None).await?;
    let slugs: Vec<&str> = list["items"].as_array().into_iter().flatten().filter_map(|a| a["slug"].as_str()).collect();
    assert_eq!(slugs, ["admin"]);
    Ok(())
}

#[tokio::test]
async fn a_minted_token_never_outlives_its_creator_and_a_narrower_token_cannot_revoke_a_broader_one()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "Ops"}))).await?;
    let tokens = "/api/service-accounts/ops/tokens";
    let expires = (chrono::Utc::now() + chrono::TimeDelta::hours(2)).to_rfc3339();
    let body = json!({"name": "Short lived", "scopes": ["write:tokens"], "expiresAt": expires});
    let (status, short) = app.send(Method::POST, tokens, &acme.token, Some(body)).await?;
    assert_eq!(status, 201, "{short}");
    let short = short["token"].as_str().unwrap_or_default().to_owned();
    let short_expiry = chrono::DateTime::parse_from_rfc3339(&expires)?;

    // Minted by the short-lived token: without expiresAt it inherits the creator's; a later one is refused.
    let (status, inherited) =
        app.send(Method::POST, tokens, &short, Some(json!({"name": "Child", "scopes": ["write:tokens"]}))).await?;
    assert_eq!(status, 201, "{inherited}");
    let inherited_expiry = chrono::DateTime::parse_from_rfc3339(inherited["expiresAt"].as_str().unwrap_or_default())?;
    assert!((inherited_expiry - short_expiry).num_seconds().abs() <= 1, "{inherited}");
    let later = (chrono::Utc::now() + chrono::TimeDelta::days(30)).to_rfc3339();
    let body = json!({"name": "Outliver", "scopes": ["write:tokens"], "expiresAt": later});
    let (status, refused) = app.send(Method::POST, tokens, &short, Some(body)).await?;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    let body = json!({"name": "Escalator", "scopes": ["write:*"]});
    assert_eq!(app.send(Method::POST, tokens, &short, Some(body)).await?.0, 403, "no broader scopes either");

    // A broader token (write:*) cannot be revoked by the write:tokens one; a peer can.
    let (_, broad) =
        app.send(Method::POST, tokens, &acme.token, Some(json!({"name": "Broad", "scopes": ["write:*"]}))).await?;
    let broad_slug = broad["slug"].as_str().unwrap_or_default().to_owned();
    let (status, refused) = app.send(Method::DELETE, &format!("{tokens}/{broad_slug}"), &short, None).await?;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
    let broad_token = broad["token"].as_str().unwrap_or_default();
    assert_eq!(app.send(Method::GET, "/api/organization", broad_token, None).await?.0, 200, "still valid");
    let child_slug = inherited["slug"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.send(Method::DELETE, &format!("{tokens}/{child_slug}"), &short, None).await?.0, 204);
    assert_eq!(app.send(Method::DELETE, &format!("{tokens}/{broad_slug}"), &acme.token, None).await?.0, 204);
    Ok(())
}

/// Service accounts as Kaiten's clients read them: one by slug with its tokens, renamed by PUT, and a
/// token without `scopes` granting those of the token that creates it.
#[tokio::test]
async fn a_service_account_is_read_with_its_tokens_and_renamed() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let acme = app.tenant("Acme").await?;
    let (status, created) =
        app.send(Method::POST, "/api/service-accounts", &acme.token, Some(json!({"name": "CI"}))).await?;
    assert_eq!((status, &created["tokens"]), (201, &json!([])));
    let body = json!({"name": "inherit", "scopes": null});
    let (status, inherited) =
        app.send(Method::POST, "/api/service-accounts/ci/tokens", &acme.token, Some(body)).await?;
    assert_eq!((status, &inherited["scopes"]), (201, &json!(["write:*"])), "{inherited}");
    assert_eq!(inherited["serviceAccountId"], created["id"]);
    let (_, narrow) = issue(&app, &acme.token, "ci", &["read:customers"]).await?;
    let narrow = narrow["token"].as_str().unwrap_or_default().to_owned();
    let (status, refused) =
        app.send(Method::POST, "/api/service-accounts/ci/tokens", &narrow, Some(json!({"name": "again"}))).await?;
    assert_eq!(status, 403, "a read:customers token cannot inherit into a token that writes tokens: {refused}");

    let (status, _) =
        app.send(Method::PUT, "/api/service-accounts/ci", &acme.token, Some(json!({"name": "CI bot"}))).await?;
    assert_eq!(status, 200);
    let (status, account) = app.send(Method::GET, "/api/service-accounts/ci", &acme.token, None).await?;
    assert_eq!((status, &account["name"], &account["slug"]), (200, &json!("CI bot"), &json!("ci")));
    let names: Vec<&str> =
        account["tokens"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["token read:customers", "inherit"]);
    assert!(account["tokens"].as_array().into_iter().flatten().all(|t| t.get("token").is_none()), "no secrets");
    let (_, listed) = app.send(Method::GET, "/api/service-accounts", &acme.token, None).await?;
    let ci = listed["items"].as_array().into_iter().flatten().find(|a| a["slug"] == "ci").cloned();
    assert_eq!(ci.map(|a| a["tokens"].as_array().map(Vec::len)), Some(Some(2)));
    let accounts = listed["items"].as_array().cloned().unwrap_or_default();
    assert!(accounts.len() >= 2, "the organization's own account and CI: {listed}");
    for account in &accounts {
        let tokens = account["tokens"].as_array().cloned().unwrap_or_default();
        assert!(!tokens.is_empty() && tokens.iter().all(|t| t["serviceAccountId"] == account["id"]), "{account}");
        let listed_alone = app
            .send(
                Method::GET,
                &format!("/api/service-accounts/{}", account["slug"].as_str().unwrap_or_default()),
                &acme.token,
                None,
            )
            .await?
            .1;
        assert_eq!(listed_alone["tokens"], account["tokens"], "the list shows what the account's own page shows");
    }
    let (status, _) = app.send(Method::GET, "/api/service-accounts/ghost", &acme.token, None).await?;
    assert_eq!(status, 404);
    Ok(())
}
