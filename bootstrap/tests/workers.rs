//! Several `kaiten worker` processes on one queue, one of them killed (SIGKILL) in the middle of its
//! batch while endpoints fail and recover: every message still reaches its endpoint, and no
//! (message, endpoint) pair gets two recorded successes — only a POST whose answer died with the
//! killed worker is ever made again. And `kaiten dlq requeue` moves dead-lettered messages back.

mod support;

use kaiten_test_support::{BrokerCleanup, KillOnDrop, TestDatabase, TestNames, wait_for};
use serde_json::json;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::{Receiver, kaiten_on, org_create, serve, stop_with_sigterm};

/// `kaiten` on the test's database, slot, exchange and queues, delivering fast to loopback.
fn configured(db: &TestDatabase, names: &TestNames) -> Command {
    let mut command = kaiten_on(db, names);
    command
        .env("KAITEN_WEBHOOKS_RETRY_SCHEDULE", "200ms,200ms,200ms,200ms")
        .env("KAITEN_WEBHOOKS_REQUEST_TIMEOUT", "2s")
        .env("KAITEN_WORKER_PREFETCH", "16");
    command
}

fn worker(db: &TestDatabase, names: &TestNames) -> anyhow::Result<KillOnDrop> {
    Ok(KillOnDrop(configured(db, names).arg("worker").stderr(Stdio::null()).spawn()?))
}

/// The successful attempts recorded for one message.
#[derive(diesel::QueryableByName)]
struct Successes {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    successes: i64,
}

#[tokio::test]
async fn a_worker_killed_mid_batch_loses_nothing_and_forks_no_chain() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let (db, names) = (TestDatabase::new(), TestNames::new());
    let _broker = BrokerCleanup::for_names(&names);
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let receiver = Receiver::start(2).await?;
    let hook = receiver.url.clone();
    let (api, address) = serve(configured(&db, &names).env("KAITEN_ROLES", "api,relay"))?;
    let client = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        client.post(format!("http://{address}{path}")).bearer_auth(&token).json(&body).send()
    };
    assert_eq!(post("/api/webhooks", json!({"url": hook})).await?.status(), 201);
    let mut first = worker(&db, &names)?;
    let _second = worker(&db, &names)?;
    let events = 60;
    for n in 0..events {
        assert_eq!(post("/api/customers", json!({"name": format!("Customer {n}")})).await?.status(), 201);
    }
    let seen = |receiver: &Receiver| -> Vec<(String, u16)> {
        receiver.seen().into_iter().map(|received| (received.webhook_id, received.status)).collect()
    };
    wait_for(Duration::from_secs(60), || async { Ok((seen(&receiver).len() >= 40).then_some(())) }).await?;
    first.kill()?; // SIGKILL, mid-batch
    let _ = first.wait();

    let delivered = wait_for(Duration::from_secs(120), || async {
        let seen = seen(&receiver);
        let mut succeeded: HashMap<String, usize> = HashMap::new();
        for (id, status) in &seen {
            if *status == 200 {
                *succeeded.entry(id.clone()).or_default() += 1;
            }
        }
        Ok((succeeded.len() == events).then_some(succeeded))
    })
    .await?;
    use diesel_async::RunQueryDsl;
    let mut conn = db.connect().await?;
    let recorded = wait_for(Duration::from_secs(30), || async {
        let mut conn = db.connect().await?;
        let rows: Vec<Successes> = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE status = 'success') AS successes \
             FROM webhook_attempts GROUP BY message_id",
        )
        .load(&mut conn)
        .await?;
        Ok((rows.iter().filter(|row| row.successes > 0).count() == events).then_some(rows))
    })
    .await?;
    assert!(recorded.iter().all(|row| row.successes == 1), "one recorded success per message");
    let states: Vec<String> = diesel::sql_query("SELECT state AS value FROM webhook_deliveries")
        .load::<Text>(&mut conn)
        .await?
        .into_iter()
        .map(|row| row.value)
        .collect();
    assert!(states.len() == events && states.iter().all(|state| state == "succeeded"), "{states:?}");
    // A second POST of a message happens only when the first success's answer died with the worker.
    let repeated = delivered.values().filter(|count| **count > 1).count();
    assert!(delivered.values().all(|count| *count <= 2), "{delivered:?}");
    assert!(repeated <= 16, "{repeated} messages succeeded twice; the killed worker held at most 16");
    println!("messages delivered twice (their first success died with the killed worker): {repeated}");
    stop_with_sigterm(api).await?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

#[tokio::test]
async fn dlq_requeue_moves_dead_letters_back_and_they_are_delivered() -> anyhow::Result<()> {
    use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
    kaiten_webhook_http::install_default_crypto_provider();
    let (db, names) = (TestDatabase::new(), TestNames::new());
    let _broker = BrokerCleanup::for_names(&names);
    let created = org_create(&db, "Acme")?;
    let token = created["token"].as_str().unwrap_or_default().to_owned();
    let organization = created["organization"]["id"].as_str().unwrap_or_default().to_owned();
    let receiver = Receiver::start(2).await?;
    let hook = receiver.url.clone();
    let (server, address) = serve(&mut configured(&db, &names))?;
    let response = reqwest::Client::new()
        .post(format!("http://{address}/api/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": hook}))
        .send()
        .await?;
    assert_eq!(response.status(), 201);

    // Two events that ended in the dead-letter queue (say, during an outage of an older version).
    let connection =
        lapin::Connection::connect(&kaiten_test_support::amqp_url(), lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel.confirm_select(ConfirmSelectOptions::default()).await?;
    let dlq = format!("{}.dlq", names.exchange);
    for n in 0..2 {
        let id = uuid::Uuid::now_v7();
        let after = json!({"id": id, "event_name": "RELEASE_CREATION", "event_type": "com.kaiten.release.v1.created",
            "payload": json!({"version": format!("1.0.{n}")}).to_string(), "organization_id": organization});
        let body = serde_json::to_vec(&json!({"payload": {"before": null, "after": after, "op": "c"}}))?;
        let mut headers = lapin::types::FieldTable::default();
        headers.insert("x-kaiten-dead-letter-reason".into(), lapin::types::AMQPValue::LongString("gave up".into()));
        let properties = lapin::BasicProperties::default().with_delivery_mode(2).with_headers(headers);
        channel
            .basic_publish(dlq.as_str().into(), "".into(), BasicPublishOptions::default(), &body, properties)
            .await?
            .await?;
    }
    let _ = connection.close(200, "OK".into()).await;

    let output = configured(&db, &names).args(["dlq", "requeue"]).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(printed, json!({"events": 2, "deliveries": 0, "requeued": 2}));
    let seen = wait_for(Duration::from_secs(60), || async {
        let seen: Vec<(String, u16)> =
            receiver.seen().into_iter().map(|received| (received.webhook_id, received.status)).collect();
        Ok((seen.iter().filter(|(_, status)| *status == 200).count() == 2).then_some(seen))
    })
    .await?;
    assert!(seen.iter().all(|(id, _)| id.starts_with("msg_")));
    let again = configured(&db, &names).args(["dlq", "requeue"]).output()?;
    let printed: serde_json::Value = serde_json::from_slice(&again.stdout)?;
    assert_eq!(printed["requeued"], 0, "the dead-letter queue is empty now");
    stop_with_sigterm(server).await?;
    Ok(())
}
