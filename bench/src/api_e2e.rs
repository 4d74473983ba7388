//! The REST API end to end: `kaiten serve` (api, relay, worker, built-in engine) as a child process,
//! a webhook endpoint registered through the API on a local receiver, then `POST /api/customers` at a
//! fixed rate (open loop: each request starts at its tick whatever earlier ones are doing). The commit
//! is done when the API answers 201; the receiver matches each delivery by the customer id.

use crate::kaiten::{self, Serve};
use crate::latency::percentile;
use crate::receiver::{self, Arrivals};
use crate::setup::Bench;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// One request of the run.
struct Outcome {
    sent: Instant,
    answered: Instant,
    /// The created customer's id, when the API answered 201.
    created: Option<Uuid>,
}

pub(crate) async fn create_customer(client: &reqwest::Client, api: &str, token: &str) -> anyhow::Result<Option<Uuid>> {
    let response = client
        .post(format!("{api}/customers"))
        .bearer_auth(token)
        .json(&serde_json::json!({"name": kaiten::customer_name()}))
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::CREATED {
        return Ok(None);
    }
    let body: serde_json::Value = response.json().await?;
    Ok(body["id"].as_str().and_then(|id| id.parse().ok()))
}

pub async fn run(kaiten_bin: &str, rate: u64, seconds: u64) -> anyhow::Result<()> {
    anyhow::ensure!(rate > 0 && seconds > 0, "--rate and --seconds must be positive");
    let bench = Bench::new().await?;
    let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
    let serve = Serve::start(kaiten_bin, &bench, &[]).await?;
    let result = measure(&serve, &organization.token, rate, seconds).await;
    let peak = serve.peak_rss_mib();
    let stopped = serve.stop().await;
    result?;
    println!("peak RSS of kaiten serve: {}", peak.map_or("unknown".into(), |mib| format!("{mib:.1} MiB")));
    stopped
}

async fn measure(serve: &Serve, token: &str, rate: u64, seconds: u64) -> anyhow::Result<()> {
    let arrivals = Arc::new(Arrivals::default());
    let base = receiver::start(arrivals.clone()).await?;
    let client = kaiten::http_client()?;
    let api = serve.api.clone();
    let endpoint = client
        .post(format!("{api}/webhooks"))
        .bearer_auth(token)
        .json(&serde_json::json!({"url": format!("{base}/hook"), "eventNames": ["CUSTOMER_CREATION"]}))
        .send()
        .await?;
    anyhow::ensure!(endpoint.status() == reqwest::StatusCode::CREATED, "POST /api/webhooks: {}", endpoint.status());
    // Warm up: customers through the whole pipeline until one is delivered (rows committed before
    // the relay's slot existed are not streamed).
    let ready_by = Instant::now() + Duration::from_secs(120);
    while arrivals.count.load(Ordering::Relaxed) == 0 {
        anyhow::ensure!(Instant::now() < ready_by, "no warm-up customer was delivered");
        create_customer(&client, &api, token).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let warmed_up = arrivals.count.load(Ordering::Relaxed);

    let total = rate * seconds;
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut requests = Vec::with_capacity(usize::try_from(total)?);
    let started = Instant::now();
    for _ in 0..total {
        ticks.tick().await;
        let (client, api, token) = (client.clone(), api.clone(), token.to_owned());
        requests.push(tokio::spawn(async move {
            let sent = Instant::now();
            let created = create_customer(&client, &api, &token).await.ok().flatten();
            Outcome { sent, answered: Instant::now(), created }
        }));
    }
    let scheduled = started.elapsed();
    let mut outcomes = Vec::with_capacity(requests.len());
    for request in requests {
        outcomes.push(request.await?);
    }
    let ok = outcomes.iter().filter(|o| o.created.is_some()).count();
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrivals.count.load(Ordering::Relaxed) < warmed_up + ok as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at = arrivals.at.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    report(&outcomes, &at, rate, seconds, scheduled);
    Ok(())
}

fn report(
    outcomes: &[Outcome],
    at: &std::collections::HashMap<Uuid, Instant>,
    rate: u64,
    seconds: u64,
    scheduled: Duration,
) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let created: Vec<&Outcome> = outcomes.iter().filter(|o| o.created.is_some()).collect();
    let mut responses: Vec<Duration> = created.iter().map(|o| o.answered.duration_since(o.sent)).collect();
    responses.sort();
    let mut early = 0;
    let mut deliveries: Vec<Duration> = created
        .iter()
        .filter_map(|o| {
            let arrived = *at.get(&o.created?)?;
            early += usize::from(arrived < o.answered);
            Some(arrived.saturating_duration_since(o.answered))
        })
        .collect();
    deliveries.sort();
    println!(
        "API end to end at {rate}/s for {seconds} s: {} requests sent in {:.2} s ({:.1}/s achieved), {} answered 201; \
         API response p50 {:.2} ms, p99 {:.2} ms",
        outcomes.len(),
        scheduled.as_secs_f64(),
        outcomes.len() as f64 / scheduled.as_secs_f64(),
        created.len(),
        ms(percentile(&responses, 50.0)),
        ms(percentile(&responses, 99.0)),
    );
    println!(
        "commit (201 received) → webhook receiver: {} of {} delivered; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms ({early} arrived before their 201 was read, counted as 0)",
        deliveries.len(),
        created.len(),
        ms(percentile(&deliveries, 50.0)),
        ms(percentile(&deliveries, 95.0)),
        ms(percentile(&deliveries, 99.0)),
        ms(deliveries.last().copied().unwrap_or_default()),
    );
}
