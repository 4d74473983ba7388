//! API writes against their floor: customers created per second through `POST /api/customers` by N
//! concurrent clients in a closed loop (`kaiten serve`, api role only), and `pgbench` at the same
//! concurrency running the same two INSERTs in one transaction on the same database. The two alternate
//! (API, pgbench, API, pgbench, …), each phase after a CHECKPOINT, so drift on the machine hits both.

use crate::kaiten::{self, Serve};
use crate::latency::percentile;
use crate::setup::Bench;
use std::time::{Duration, Instant};

/// The API part: closed loop, `clients` requests in flight.
pub(crate) struct ApiRun {
    pub created: usize,
    pub failed: usize,
    pub latencies: Vec<Duration>,
}

pub(crate) async fn closed_loop(
    client: &reqwest::Client,
    api: &str,
    token: &str,
    clients: usize,
    run_for: Duration,
) -> ApiRun {
    let deadline = Instant::now() + run_for;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, token) = (client.clone(), format!("{api}/customers"), token.to_owned());
            tokio::spawn(async move {
                let mut run = ApiRun { created: 0, failed: 0, latencies: Vec::new() };
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let response = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"name": kaiten::customer_name()}))
                        .send()
                        .await;
                    let answered = Instant::now();
                    let created = matches!(&response, Ok(r) if r.status() == reqwest::StatusCode::CREATED);
                    if answered > deadline {
                        break;
                    }
                    if created {
                        run.created += 1;
                        run.latencies.push(answered - sent);
                    } else {
                        run.failed += 1;
                    }
                }
                run
            })
        })
        .collect();
    let mut total = ApiRun { created: 0, failed: 0, latencies: Vec::new() };
    for task in tasks {
        match task.await {
            Ok(run) => {
                total.created += run.created;
                total.failed += run.failed;
                total.latencies.extend(run.latencies);
            }
            Err(_) => total.failed += 1,
        }
    }
    total.latencies.sort();
    total
}

/// The API's write as pgbench statements: `BEGIN`, the customer (unique slug), its CUSTOMER_CREATION
/// outbox row with the customer as payload, and `END`.
pub(crate) fn pgbench_statements(organization: &str) -> [String; 4] {
    [
        "BEGIN;\n".to_owned(),
        "INSERT INTO customers (id, organization_id, name, slug, external_customer_id, created_at, updated_at)\n  \
         VALUES (gen_random_uuid(), 'ORG', 'Bench customer ' || gen_random_uuid(),\n  \
         'bench-customer-' || gen_random_uuid(), NULL, now(), now());\n"
            .replace("ORG", organization),
        "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id, headers)\n  \
         VALUES (gen_random_uuid(), 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created',\n  \
         jsonb_build_object('id', gen_random_uuid(), 'name', 'Bench customer ' || gen_random_uuid(),\n    \
         'slug', 'bench-customer-' || gen_random_uuid(), 'externalCustomerId', NULL,\n    \
         'organizationId', 'ORG', 'createdAt', now(), 'updatedAt', now()),\n  \
         'ORG', NULL);\n"
            .replace("ORG", organization),
        "END;\n".to_owned(),
    ]
}

/// One transaction with the API's two INSERTs, one statement after the other.
pub(crate) fn pgbench_script(organization: &str) -> String {
    pgbench_statements(organization).concat()
}

/// Runs pgbench (its counts are printed) and returns its rate without the initial connection time.
pub(crate) async fn pgbench(
    pgbench: &str,
    url: &str,
    script: &str,
    protocol: &str,
    (clients, seconds): (usize, u64),
) -> anyhow::Result<f64> {
    let path = std::env::temp_dir().join(format!("kaiten-bench-{}.sql", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, script)?;
    let output = tokio::process::Command::new(pgbench)
        .args(["-n", "-M", protocol, "-c", &clients.to_string(), "-j", "2", "-T", &seconds.to_string(), "-f"])
        .arg(&path)
        .arg(url)
        .output()
        .await;
    let _ = std::fs::remove_file(&path);
    let output = output?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "pgbench failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    for line in stdout.lines().filter(|l| l.starts_with("number of transactions") || l.starts_with("number of failed"))
    {
        println!("  pgbench: {line}");
    }
    stdout
        .lines()
        .find(|line| line.starts_with("tps = ") && line.contains("without initial connection time"))
        .and_then(|line| line["tps = ".len()..].split_whitespace().next()?.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no tps line in pgbench's output:\n{stdout}"))
}

/// What `api-write` runs.
pub struct Settings {
    pub clients: usize,
    /// The server's database connections (`KAITEN_DATABASE_MAX_CONNECTIONS`), by default `clients`.
    pub pool: Option<usize>,
    pub seconds: u64,
    /// API and pgbench phases alternate this many times.
    pub rounds: u32,
    /// pgbench's query protocol (`-M`): `simple` (its default), `extended` or `prepared`.
    pub protocol: String,
}

pub async fn run(kaiten_bin: &str, pgbench_bin: &str, settings: &Settings) -> anyhow::Result<()> {
    let Settings { clients, pool, seconds, rounds, ref protocol } = *settings;
    anyhow::ensure!(clients > 0 && seconds > 0 && rounds > 0, "--clients, --seconds and --rounds must be positive");
    let bench = Bench::new().await?;
    let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
    let pool = pool.unwrap_or(clients).to_string();
    let serve =
        Serve::start(kaiten_bin, &bench, &[("KAITEN_ROLES", "api"), ("KAITEN_DATABASE_MAX_CONNECTIONS", &pool)])
            .await?;
    println!(
        "{clients} clients, {rounds} rounds of {seconds} s of API writes (kaiten serve, api role, pool of {pool}) then \
         {seconds} s of pgbench -c {clients} -j 2 -n -M {protocol} (kaiten serve idle), each phase after a CHECKPOINT"
    );
    let measured = rounds_of(&bench, &serve, pgbench_bin, &organization, settings).await;
    let peak = serve.peak_rss_mib();
    serve.stop().await?;
    let (api, pgbench) = measured?;
    let (api, pgbench) = (api / f64::from(rounds), pgbench / f64::from(rounds));
    println!(
        "mean: API {api:.0} customers/s, pgbench {pgbench:.0} transactions/s; API / pgbench = {:.1} % \
         (target ≥ 70 %); peak RSS of kaiten serve {}",
        100.0 * api / pgbench,
        peak.map_or("unknown".into(), |mib| format!("{mib:.1} MiB")),
    );
    let client = bench.client().await?;
    let customers: i64 = client.query_one("SELECT count(*) FROM customers", &[]).await?.get(0);
    let events: i64 = client.query_one("SELECT count(*) FROM outbox_events", &[]).await?.get(0);
    println!("rows afterwards: {customers} customers, {events} outbox events");
    Ok(())
}

/// The alternating phases; returns the sums of the API's and pgbench's rates.
async fn rounds_of(
    bench: &Bench,
    serve: &Serve,
    pgbench_bin: &str,
    organization: &kaiten::Organization,
    settings: &Settings,
) -> anyhow::Result<(f64, f64)> {
    let Settings { clients, seconds, rounds, ref protocol, .. } = *settings;
    let client = kaiten::http_client()?;
    let db = bench.client().await?;
    let script = pgbench_script(&organization.id);
    // Warm-up: connections opened on both sides, statements prepared; not counted.
    let warm_up = closed_loop(&client, &serve.api, &organization.token, clients, Duration::from_secs(2)).await;
    anyhow::ensure!(warm_up.created > 0, "no customer was created during the warm-up");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (mut api_sum, mut pgbench_sum) = (0.0, 0.0);
    for round in 1..=rounds {
        db.batch_execute("CHECKPOINT").await?;
        let api = closed_loop(&client, &serve.api, &organization.token, clients, Duration::from_secs(seconds)).await;
        let api_rate = api.created as f64 / seconds as f64;
        println!(
            "round {round}: API {api_rate:.0} customers/s ({} created, {} failed; response p50 {:.2} ms, p99 {:.2} ms)",
            api.created,
            api.failed,
            ms(percentile(&api.latencies, 50.0)),
            ms(percentile(&api.latencies, 99.0)),
        );
        db.batch_execute("CHECKPOINT").await?;
        let pgbench_rate = pgbench(pgbench_bin, &bench.db.url, &script, protocol, (clients, seconds)).await?;
        println!(
            "round {round}: pgbench {pgbench_rate:.0} transactions/s; API / pgbench = {:.1} %",
            100.0 * api_rate / pgbench_rate
        );
        api_sum += api_rate;
        pgbench_sum += pgbench_rate;
    }
    Ok((api_sum, pgbench_sum))
}
