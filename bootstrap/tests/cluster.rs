//! Several Kaiten processes on a three-node RabbitMQ cluster with quorum queues (`scripts/test-cluster.sh`
//! starts the cluster, runs this and stops it; `TEST_CLUSTER_AMQP_URLS` names the nodes). Two
//! `kaiten serve` (all roles) and one `kaiten worker` on one database; 3,000 customers are created
//! through both APIs at a steady rate while, in turn, the node leading the work queue is killed and
//! started again, the relaying `serve` is killed (the other takes the slot over) and the worker is
//! killed. Every event reaches the endpoint, no message succeeds twice in the delivery history,
//! the dead-letter queues stay empty, and each process's readiness names the node it uses.

mod support;

use kaiten_test_support::{KillOnDrop, TestDatabase, TestNames, wait_for};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Receiver, kaiten_on, org_create, readyz, serve, stop_with_sigterm};

const EVENTS: usize = 3_000;
const RATE_PER_SECOND: u64 = 50;

fn cluster_script(arguments: &[&str]) -> anyhow::Result<String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/rabbitmq-cluster.sh");
    let output = Command::new(script).args(arguments).output()?;
    anyhow::ensure!(output.status.success(), "{arguments:?}: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn configured(db: &TestDatabase, names: &TestNames, nodes: &str) -> Command {
    let mut command = kaiten_on(db, names);
    command
        .env("KAITEN_AMQP_URL", nodes)
        .env("KAITEN_QUEUE_TYPE", "quorum")
        .env("KAITEN_WEBHOOKS_RETRY_SCHEDULE", "500ms,1s,2s,5s,10s")
        // A killed process's claims lapse after 2 × 2 s + 5 s.
        .env("KAITEN_WEBHOOKS_REQUEST_TIMEOUT", "2s");
    command
}

async fn relay_detail(address: &str) -> String {
    match readyz(address).await {
        Ok((_, body)) => body["details"]["relay"].as_str().unwrap_or_default().to_owned(),
        Err(_) => String::new(),
    }
}

#[derive(diesel::QueryableByName)]
struct Successes {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    successes: i64,
}

#[tokio::test]
#[ignore = "needs the three-node cluster: scripts/test-cluster.sh"]
async fn three_processes_on_a_cluster_lose_nothing_across_node_relay_and_worker_kills() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let nodes = std::env::var("TEST_CLUSTER_AMQP_URLS").map_err(|_| anyhow::anyhow!("TEST_CLUSTER_AMQP_URLS"))?;
    let (db, names) = (TestDatabase::new(), TestNames::new());
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let receiver = Receiver::start(0).await?;
    let (first, first_address) = serve(&mut configured(&db, &names, &nodes))?;
    let (second, second_address) = serve(&mut configured(&db, &names, &nodes))?;
    let worker = KillOnDrop(configured(&db, &names, &nodes).arg("worker").stderr(Stdio::null()).spawn()?);
    let mut servers = vec![(Some(first), first_address), (Some(second), second_address)];
    let relaying = wait_for(Duration::from_secs(60), || async {
        for (index, (_, address)) in servers.iter().enumerate() {
            if relay_detail(address).await.starts_with("streaming") {
                return Ok(Some(index));
            }
        }
        Ok(None)
    })
    .await?;
    let standby = 1 - relaying;
    let standby_address = servers[standby].1.clone();
    wait_for(Duration::from_secs(30), || async {
        Ok(relay_detail(&standby_address).await.starts_with("standing by").then_some(()))
    })
    .await?;

    let client = reqwest::Client::new();
    let endpoint = client
        .post(format!("http://{}/api/webhooks", servers[0].1))
        .bearer_auth(&token)
        .json(&json!({"url": receiver.url}))
        .send()
        .await?;
    assert_eq!(endpoint.status(), 201);

    let mut created: HashSet<String> = HashSet::new();
    let (mut worker, mut takeover, mut node_killed) = (Some(worker), None, None);
    let started = Instant::now();
    let mut restarting = None;
    for n in 0..EVENTS {
        let due = started + Duration::from_millis(n as u64 * 1000 / RATE_PER_SECOND);
        tokio::time::sleep_until(due.into()).await;
        if n == EVENTS / 4 {
            let leader = cluster_script(&["leader", &names.queue])?;
            cluster_script(&["kill", &leader])?;
            println!("killed node {leader}, which led {}", names.queue);
            node_killed = Some(leader.clone());
            let started_again = move || cluster_script(&["start-node", &leader]).map(|_| Instant::now());
            restarting = Some(std::thread::spawn(started_again));
        }
        if n == EVENTS / 2 {
            if let Some(mut relay) = servers[relaying].0.take() {
                relay.kill()?;
                let _ = relay.wait();
            }
            // Measured aside, while the load goes on.
            let (killed_at, address) = (Instant::now(), servers[standby].1.clone());
            takeover = Some(tokio::spawn(async move {
                wait_for(Duration::from_secs(60), || async {
                    Ok(relay_detail(&address).await.starts_with("streaming").then_some(()))
                })
                .await
                .map(|()| killed_at.elapsed())
            }));
        }
        if n == 3 * EVENTS / 4
            && let Some(mut killed) = worker.take()
        {
            killed.kill()?;
            let _ = killed.wait();
        }
        let live: Vec<&String> = servers.iter().filter(|(child, _)| child.is_some()).map(|(_, a)| a).collect();
        let address = live[n % live.len()];
        let response = client
            .post(format!("http://{address}/api/customers"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("Customer {n}")}))
            .send()
            .await?;
        anyhow::ensure!(response.status() == 201, "create {n}: {}", response.status());
        let body: serde_json::Value = response.json().await?;
        created.insert(body["id"].as_str().unwrap_or_default().to_owned());
    }
    let sending = started.elapsed();
    let takeover = takeover.ok_or_else(|| anyhow::anyhow!("the relay was not killed"))?.await??;

    let delivered = wait_for(Duration::from_secs(300), || async {
        let delivered: HashSet<String> = receiver
            .seen()
            .iter()
            .filter(|received| received.status == 200)
            .filter_map(|received| received.body["customerId"].as_str().map(str::to_owned))
            .collect();
        Ok(created.is_subset(&delivered).then_some(delivered))
    })
    .await?;
    let drained = started.elapsed() - sending;
    let restart = restarting.ok_or_else(|| anyhow::anyhow!("no node was killed"))?;
    let restarted = restart.join().map_err(|_| anyhow::anyhow!("restarting the node panicked"))?? - started;
    let mut posts: HashMap<String, usize> = HashMap::new();
    for received in receiver.seen().into_iter().filter(|received| received.status == 200) {
        *posts.entry(received.webhook_id).or_default() += 1;
    }
    let repeated: HashMap<&String, &usize> = posts.iter().filter(|(_, count)| **count > 1).collect();
    let posted_twice = repeated.len();
    // A 2xx POST is made again only when its answer died with a killed process, which had at most
    // its per-endpoint limit (16) in flight; two processes with the worker role are killed, so a
    // message is POSTed at most three times (killed serve, killed worker, survivor).
    assert!(repeated.values().all(|count| **count <= 3) && posted_twice <= 2 * 16, "{repeated:?}");

    use diesel_async::RunQueryDsl;
    let mut conn = db.connect().await?;
    let recorded: Vec<Successes> = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE status = 'success') AS successes FROM webhook_attempts GROUP BY message_id",
    )
    .load(&mut conn)
    .await?;
    assert!(recorded.iter().all(|row| row.successes <= 1), "no message succeeded twice in the history");
    let live = servers.iter().find(|(child, _)| child.is_some()).map(|(_, address)| address.clone());
    let live = live.ok_or_else(|| anyhow::anyhow!("no server left"))?;
    let (status, ready) = readyz(&live).await?;
    assert_eq!(status, 200, "{ready}");
    assert!(ready["details"]["broker"].as_str().is_some_and(|d| d.starts_with("connected to 127.0.0.1:57")), "{ready}");
    for dlq in [format!("{}.dlq", names.exchange), format!("{}.deliveries.dlq", names.exchange)] {
        let output = cluster_script(&["count", &dlq])?;
        assert_eq!(output, "0", "{dlq} is empty");
    }
    println!(
        "{} events created in {sending:?} through two APIs, {} delivered ({drained:?} after the last create); \
         node {} killed and back {restarted:?} after the start; \
         relay taken over after {takeover:?}; worker killed; {posted_twice} messages POSTed more than once \
         with 2xx ({repeated:?}; each earlier answer died with a killed process), 0 recorded twice",
        created.len(),
        delivered.len(),
        node_killed.unwrap_or_default(),
    );
    for (child, _) in servers {
        if let Some(child) = child {
            stop_with_sigterm(child).await?;
        }
    }
    Ok(())
}
