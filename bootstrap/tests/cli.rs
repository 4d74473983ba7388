//! The `kaiten` binary itself: `org create` prints the organization and a working token; `serve`
//! answers on a free port and stops cleanly on SIGTERM; bad configuration stops it with a clear message.

mod support;

use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, read_queue};
use std::time::Duration;
use support::{kaiten, org_create, serve, stop_with_sigterm};

#[test]
fn org_create_prints_the_organization_and_a_write_all_token() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let printed = org_create(&db, "Acme Corp")?;
    assert_eq!(printed["organization"]["name"], "Acme Corp");
    assert_eq!(printed["organization"]["slug"], "acme-corp");
    assert!(printed["organization"]["id"].is_string());
    let token = printed["token"].as_str().unwrap_or_default();
    assert!(token.starts_with("ksh_") && token.len() == 68, "{token}");
    Ok(())
}

#[tokio::test]
async fn serve_relays_a_change_and_stops_gracefully_on_sigterm() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let (child, address) = serve(
        kaiten(&db)
            .env("KAITEN_PORT", "0")
            .env("KAITEN_SLOT", &names.slot)
            .env("KAITEN_EXCHANGE", &names.exchange)
            .env("KAITEN_QUEUE", &names.queue)
            // Without the worker, so the relayed message stays on the queue for the test to read.
            .env("KAITEN_ROLES", "api,relay"),
    )?;
    kaiten_webhook_http::install_default_crypto_provider();
    let health: serde_json::Value = reqwest::get(format!("http://{address}/api/healthz")).await?.json().await?;
    assert_eq!(health["status"], "ok");
    let response = reqwest::Client::new()
        .post(format!("http://{address}/api/customers"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Globex"}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let messages = read_queue(&names.queue, Duration::from_secs(60), |m| !m.is_empty()).await?;
    let after = &messages[0].json()?["data"]["payload"]["after"];
    assert_eq!(after["event_name"], "CUSTOMER_CREATION");
    let status = stop_with_sigterm(child).await?;
    assert!(status.success(), "{status}");
    Ok(())
}

#[test]
fn invalid_configuration_is_refused_with_the_variable_named() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let output = kaiten(&db).env("KAITEN_LOG_FORMAT", "yaml").arg("migrate").output()?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("KAITEN_LOG_FORMAT"));
    Ok(())
}

#[tokio::test]
async fn outbox_prune_deletes_only_rows_older_than_the_retention() -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    let db = TestDatabase::new();
    org_create(&db, "Acme")?;
    let mut conn = db.connect().await?;
    conn.batch_execute(
        "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id, occurred_at)
         SELECT gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', '{}', gen_random_uuid(),
                now() - make_interval(days => n)
         FROM generate_series(1, 10) AS n",
    )
    .await?;
    let output = kaiten(&db).args(["outbox", "prune", "--older-than", "3d 12h"]).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(printed["deleted"], 7, "rows 4 to 10 days old");
    let bad = kaiten(&db).env("KAITEN_OUTBOX_RETENTION", "soon").args(["outbox", "prune"]).output()?;
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("KAITEN_OUTBOX_RETENTION"));
    Ok(())
}

#[tokio::test]
async fn webhooks_prune_deletes_old_messages_with_their_attempts() -> anyhow::Result<()> {
    use diesel::sql_types::BigInt;
    use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
    let db = TestDatabase::new();
    let organization = org_create(&db, "Acme")?["organization"]["id"].as_str().unwrap_or_default().to_owned();
    let mut conn = db.connect().await?;
    // Messages 10, 20, …, 120 days old, each with one attempt, and one 200 days old resent just now.
    conn.batch_execute(&format!(
        "INSERT INTO webhook_endpoints (id, organization_id, url, secret)
         VALUES ('00000000-0000-4000-8000-000000000001', '{organization}', 'https://example.com/hook', 'whsec_c2VjcmV0');
         INSERT INTO webhook_messages (id, organization_id, event_name, event_type, body, created_at)
         SELECT gen_random_uuid(), '{organization}', 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created', '{{}}',
                now() - make_interval(days => 10 * n)
         FROM generate_series(1, 12) AS n;
         INSERT INTO webhook_attempts (id, organization_id, message_id, endpoint_id, url, attempt, status, created_at)
         SELECT gen_random_uuid(), organization_id, id, '00000000-0000-4000-8000-000000000001',
                'https://example.com/hook', 1, 'success', created_at
         FROM webhook_messages;
         INSERT INTO webhook_messages (id, organization_id, event_name, event_type, body, created_at)
         VALUES ('00000000-0000-4000-8000-000000000002', '{organization}', 'CUSTOMER_CREATION',
                 'com.kaiten.customer.v1.created', '{{}}', now() - interval '200 days');
         INSERT INTO webhook_attempts (id, organization_id, message_id, endpoint_id, url, attempt, status)
         VALUES (gen_random_uuid(), '{organization}', '00000000-0000-4000-8000-000000000002',
                 '00000000-0000-4000-8000-000000000001', 'https://example.com/hook', 1, 'success')"
    ))
    .await?;
    let output = kaiten(&db).args(["webhooks", "prune", "--older-than", "45d"]).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(printed["deleted"], 8, "messages 50 to 120 days old");
    for table in ["webhook_messages", "webhook_attempts"] {
        let left: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!("(SELECT count(*) FROM {table})")))
            .get_result(&mut conn)
            .await?;
        assert_eq!(left, 5, "{table}: the 10 to 40 days old ones, and the one resent just now, stay");
    }
    // Messages must outlive their retries: a retention shorter than the schedule is refused.
    let short = kaiten(&db).args(["webhooks", "prune", "--older-than", "1h"]).output()?;
    let error = String::from_utf8_lossy(&short.stderr);
    assert!(!short.status.success() && error.contains("KAITEN_WEBHOOKS_RETENTION"), "{error}");
    assert!(error.contains("retry schedule"), "{error}");
    // Nor may messages go before the outbox rows a replay would deliver again.
    let early = kaiten(&db).env("KAITEN_OUTBOX_RETENTION", "100d").args(["webhooks", "prune"]).output()?;
    let error = String::from_utf8_lossy(&early.stderr);
    assert!(!early.status.success() && error.contains("KAITEN_OUTBOX_RETENTION"), "{error}");
    Ok(())
}

#[tokio::test]
async fn outbox_replay_republishes_the_window_of_one_organization_in_the_relay_format() -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    use kaiten_application::envelope::{self, Envelope};
    let db = TestDatabase::new();
    let names = TestNames::new();
    let _broker = BrokerCleanup::for_names(&names);
    assert!(kaiten(&db).arg("migrate").output()?.status.success());
    let (acme, globex) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let mut conn = db.connect().await?;
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, name, slug) VALUES ('{acme}', 'Acme', 'acme'), ('{globex}', 'Globex', 'globex');
         INSERT INTO outbox_events (id, event_name, event_type, data, organization_id, headers, occurred_at)
         SELECT gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created',
                jsonb_build_object('n', n), CASE WHEN n % 2 = 0 THEN '{globex}'::uuid ELSE '{acme}'::uuid END,
                '{{\"traceparent\": \"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}}',
                '2026-11-01T00:00:00Z'::timestamptz + make_interval(hours => n)
         FROM generate_series(1, 10) AS n"
    ))
    .await?;
    let output = kaiten(&db)
        .env("KAITEN_EXCHANGE", &names.exchange)
        .env("KAITEN_QUEUE", &names.queue)
        .args(["outbox", "replay", "--since", "2026-11-01T02:00:00Z", "--until", "2026-11-01T08:00:00Z"])
        .args(["--organization", &acme.to_string()])
        .output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(printed["published"], 3, "hours 3, 5 and 7 belong to Acme");
    let messages = read_queue(&names.queue, Duration::from_secs(30), |m| m.len() >= 3).await?;
    let mut numbers = Vec::new();
    for message in &messages {
        let Ok(Envelope::Event(event)) = envelope::parse(&message.body) else { anyhow::bail!("not an event") };
        assert_eq!(event.organization_id, acme);
        assert_eq!(message.message_id.as_deref(), Some(event.outbox_id.to_string().as_str()));
        assert_eq!(message.headers.get("traceparent").map(String::as_str), event.traceparent.as_deref());
        assert_eq!(event.traceparent.as_deref(), Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        numbers.push(event.data["n"].as_i64().unwrap_or_default());
    }
    assert_eq!(numbers, [3, 5, 7], "oldest first");
    let bad = kaiten(&db).args(["outbox", "replay", "--since", "yesterday"]).output()?;
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("RFC 3339"));
    Ok(())
}
