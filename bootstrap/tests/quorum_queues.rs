//! `KAITEN_QUEUE_TYPE=quorum` on the single local node, with a broker list whose first node does not
//! answer: every queue is a quorum queue, every event reaches the endpoint through its retries
//! (which go round the quorum delay queues and are dead-lettered back at least once), and readiness
//! names the node in use. The three-node variant is `cluster.rs`.

mod support;

use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, amqp_url, wait_for};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use support::{Receiver, kaiten_on, org_create, queue_types, readyz, serve, stop_with_sigterm};

#[tokio::test]
async fn quorum_queues_deliver_every_event_through_their_retries_on_the_node_that_answers() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let (db, names) = (TestDatabase::new(), TestNames::new());
    let _broker = BrokerCleanup::for_names(&names);
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let receiver = Receiver::start(2).await?;
    // Port 1 on loopback refuses: the process moves on to the real node.
    let nodes = format!("amqp://guest:guest@127.0.0.1:1/%2f,{}", amqp_url());
    let (server, address) = serve(
        kaiten_on(&db, &names)
            .env("KAITEN_AMQP_URL", &nodes)
            .env("KAITEN_QUEUE_TYPE", "quorum")
            .env("KAITEN_WEBHOOKS_RETRY_SCHEDULE", "200ms,200ms,200ms,200ms"),
    )?;
    let ready = wait_for(Duration::from_secs(60), || async {
        let (status, body) = readyz(&address).await?;
        Ok((status == 200 && body["details"]["relay"].as_str().is_some_and(|d| d.starts_with("streaming")))
            .then_some(body))
    })
    .await?;
    let node = kaiten_rabbitmq::Broker::parse(&amqp_url()).map_err(anyhow::Error::msg)?.addresses().remove(0);
    assert_eq!(ready["details"]["broker"], format!("connected to {node}"), "{ready}");

    let client = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        client.post(format!("http://{address}{path}")).bearer_auth(&token).json(&body).send()
    };
    assert_eq!(post("/api/webhooks", json!({"url": receiver.url})).await?.status(), 201);
    let events = 20;
    for n in 0..events {
        assert_eq!(post("/api/customers", json!({"name": format!("Customer {n}")})).await?.status(), 201);
    }
    let requests = wait_for(Duration::from_secs(90), || async {
        let seen = receiver.seen();
        Ok((seen.iter().filter(|received| received.status == 200).count() >= events).then_some(seen))
    })
    .await?;
    let mut per_message: HashMap<String, Vec<u16>> = HashMap::new();
    for received in requests {
        per_message.entry(received.webhook_id).or_default().push(received.status);
    }
    assert_eq!(per_message.len(), events);
    assert!(per_message.values().all(|statuses| statuses == &[500, 500, 200]), "{per_message:?}");
    let declared: Vec<(String, String)> = queue_types()?
        .into_iter()
        .filter(|(name, _)| name.contains(&names.queue) || name.contains(&names.exchange))
        .collect();
    // The work queue, its retry queues and dead letters, the deliveries' and the ladder's.
    assert!(declared.len() >= 10, "{declared:?}");
    assert!(declared.iter().all(|(_, kind)| kind.starts_with("quorum")), "{declared:?}");
    // A delay queue hands its messages back at least once.
    let ladder = format!("{}.deliveries.ladder.250", names.queue);
    let delay = declared.iter().find(|(name, _)| *name == ladder).map(|(_, listed)| listed.as_str());
    let delay = delay.unwrap_or_default();
    assert!(delay.contains("at-least-once") && delay.contains("reject-publish") && delay.contains("250"), "{delay}");
    stop_with_sigterm(server).await?;
    Ok(())
}
