//! The whole system in one run, every figure a ratio of figures from the same run: pgbench's
//! single-client latency for the API's two INSERTs, the API alone (32 closed-loop clients), `kaiten
//! serve` with delivery at the same load (rate until every event is delivered, CPU per delivered event
//! of kaiten + PostgreSQL + RabbitMQ, and the pipeline's rate alone while it drains the backlog left
//! when the load stops), 201 → webhook latency at half the API-alone rate (open loop),
//! and fan-out to 10 endpoints. Each phase has its own database, slot, exchange and queue.

use crate::api_e2e::create_customer;
use crate::api_write::{closed_loop, pgbench, pgbench_script};
use crate::cpu::Usage;
use crate::kaiten::{self, Serve};
use crate::latency::percentile;
use crate::receiver::{self, Arrivals};
use crate::setup::Bench;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The light load at which the pipeline's latency floor is measured (creates per second).
const LIGHT_RATE: f64 = 50.0;

pub struct Settings {
    pub clients: usize,
    pub seconds: u64,
    pub fanout: usize,
    pub pgbench: String,
}

/// A `kaiten serve` with all roles and `endpoints` endpoints on a local receiver, warmed up.
struct Pipeline {
    _bench: Bench,
    serve: Serve,
    token: String,
    arrivals: Arc<Arrivals>,
    endpoints: usize,
}

impl Pipeline {
    async fn start(kaiten_bin: &str, endpoints: usize) -> anyhow::Result<Self> {
        let bench = Bench::new().await?;
        let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
        let serve = Serve::start(kaiten_bin, &bench, &[]).await?;
        let arrivals = Arc::new(Arrivals::default());
        let base = receiver::start(arrivals.clone()).await?;
        let client = kaiten::http_client()?;
        for n in 0..endpoints {
            let body = serde_json::json!({"url": format!("{base}/hook/{n}"), "eventNames": ["CUSTOMER_CREATION"]});
            let answer = client.post(format!("{}/webhooks", serve.api)).bearer_auth(&organization.token).json(&body);
            let status = answer.send().await?.status();
            anyhow::ensure!(status == reqwest::StatusCode::CREATED, "POST /api/webhooks: {status}");
        }
        let pipeline = Self { _bench: bench, serve, token: organization.token, arrivals, endpoints };
        // Customers through the whole pipeline until one reaches every endpoint.
        let ready_by = Instant::now() + Duration::from_secs(120);
        while pipeline.arrived() < endpoints as u64 {
            anyhow::ensure!(Instant::now() < ready_by, "no warm-up customer was delivered");
            create_customer(&client, &pipeline.serve.api, &pipeline.token).await?;
            pipeline.wait_for(endpoints as u64, Duration::from_millis(500)).await;
        }
        Ok(pipeline)
    }

    fn arrived(&self) -> u64 {
        self.arrivals.count.load(Ordering::Relaxed)
    }

    /// Waits until `count` deliveries have arrived or `limit` has passed; whether they did.
    async fn wait_for(&self, count: u64, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.arrived() < count {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }
}

/// A closed-loop run through the whole pipeline, measured until every event was delivered.
struct Loaded {
    created: usize,
    api_rate: f64,
    /// Events per second from the first request until the last delivery.
    delivered_rate: f64,
    /// How long after the load stopped the last delivery arrived.
    drain: Duration,
    /// The pipeline alone: events delivered per second after the load stopped (the backlog drained
    /// with the API idle), and the CPU it took, when the backlog was large enough to tell.
    drained: Option<(f64, Usage, u64)>,
    cpu: Usage,
    api_p50: Duration,
    peak_rss: f64,
}

async fn loaded(kaiten_bin: &str, settings: &Settings, endpoints: usize) -> anyhow::Result<Loaded> {
    let pipeline = Pipeline::start(kaiten_bin, endpoints).await?;
    let client = kaiten::http_client()?;
    let before = pipeline.arrived();
    let cpu_start = Usage::now(pipeline.serve.pid);
    let started = Instant::now();
    let load_for = Duration::from_secs(settings.seconds);
    let run = closed_loop(&client, &pipeline.serve.api, &pipeline.token, settings.clients, load_for).await;
    let stopped = Instant::now();
    let (at_stop, cpu_at_stop) = (pipeline.arrived(), Usage::now(pipeline.serve.pid));
    let wanted = before + (run.created * pipeline.endpoints) as u64;
    let all = pipeline.wait_for(wanted, Duration::from_secs(600)).await;
    anyhow::ensure!(all, "only {} of {} deliveries arrived", pipeline.arrived() - before, wanted - before);
    let finished = Instant::now();
    let cpu_at_end = Usage::now(pipeline.serve.pid);
    let cpu = cpu_at_end.since(cpu_start);
    // Below a second's worth of backlog the drain says more about its tail than about a rate.
    let backlog_events = wanted.saturating_sub(at_stop) / pipeline.endpoints as u64;
    let drained = (finished - stopped > Duration::from_secs(1) && backlog_events > 0).then(|| {
        let rate = backlog_events as f64 / (finished - stopped).as_secs_f64();
        (rate, cpu_at_end.since(cpu_at_stop), backlog_events)
    });
    let peak_rss = pipeline.serve.peak_rss_mib().unwrap_or(f64::NAN);
    pipeline.serve.stop().await?;
    Ok(Loaded {
        created: run.created,
        api_rate: run.created as f64 / load_for.as_secs_f64(),
        delivered_rate: run.created as f64 / (finished - started).as_secs_f64(),
        drain: finished - stopped,
        drained,
        cpu,
        api_p50: percentile(&run.latencies, 50.0),
        peak_rss,
    })
}

/// 201 → webhook latencies (sorted) at `rate` creates per second, open loop, and the peak RSS.
async fn open_loop(kaiten_bin: &str, rate: f64, seconds: u64) -> anyhow::Result<(Vec<Duration>, f64)> {
    let pipeline = Pipeline::start(kaiten_bin, 1).await?;
    let client = kaiten::http_client()?;
    let warmed_up = pipeline.arrived();
    let total = (rate * seconds as f64).round() as usize;
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let mut requests = Vec::with_capacity(total);
    for _ in 0..total {
        ticks.tick().await;
        let (client, api, token) = (client.clone(), pipeline.serve.api.clone(), pipeline.token.clone());
        requests.push(tokio::spawn(async move {
            let created = create_customer(&client, &api, &token).await.ok().flatten();
            (created, Instant::now())
        }));
    }
    let mut answered = Vec::with_capacity(total);
    for request in requests {
        if let (Some(id), at) = request.await? {
            answered.push((id, at));
        }
    }
    pipeline.wait_for(warmed_up + answered.len() as u64, Duration::from_secs(600)).await;
    let arrived = pipeline.arrivals.at.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    let mut latencies: Vec<Duration> =
        answered.iter().filter_map(|(id, at)| Some(arrived.get(id)?.saturating_duration_since(*at))).collect();
    anyhow::ensure!(latencies.len() == answered.len(), "{} of {} delivered", latencies.len(), answered.len());
    latencies.sort();
    let peak = pipeline.serve.peak_rss_mib().unwrap_or(f64::NAN);
    pipeline.serve.stop().await?;
    Ok((latencies, peak))
}

pub async fn run(kaiten_bin: &str, settings: &Settings) -> anyhow::Result<()> {
    let Settings { clients, seconds, fanout, .. } = *settings;
    anyhow::ensure!(clients > 0 && seconds > 0 && fanout > 0, "--clients, --seconds and --fanout must be positive");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    let bench = Bench::new().await?;
    let organization = kaiten::org_create(kaiten_bin, &bench, "Bench").await?;
    let script = pgbench_script(&organization.id);
    let single = pgbench(&settings.pgbench, &bench.db.url, &script, "prepared", (1, seconds)).await?;
    let floor = Duration::from_secs_f64(1.0 / single);
    println!("pgbench, the API's two INSERTs, 1 client: {single:.0} tps, {:.2} ms per transaction", ms(floor));

    let serve = Serve::start(kaiten_bin, &bench, &[("KAITEN_ROLES", "api")]).await?;
    let client = kaiten::http_client()?;
    closed_loop(&client, &serve.api, &organization.token, clients, Duration::from_secs(2)).await;
    let api_cpu_start = Usage::now(serve.pid);
    let api = closed_loop(&client, &serve.api, &organization.token, clients, Duration::from_secs(seconds)).await;
    let api_cpu = Usage::now(serve.pid).since(api_cpu_start);
    serve.stop().await?;
    drop(bench);
    let api_alone = api.created as f64 / seconds as f64;
    let api_cpu_ms = 1e3 * api_cpu.total() / api.created as f64;
    println!(
        "API alone, {clients} clients: {api_alone:.0} creates/s, p50 {:.1} ms; CPU per create {api_cpu_ms:.2} ms \
         (kaiten {:.2}, PostgreSQL {:.2})",
        ms(percentile(&api.latencies, 50.0)),
        1e3 * api_cpu.kaiten / api.created as f64,
        1e3 * api_cpu.postgres / api.created as f64,
    );

    let one = loaded(kaiten_bin, settings, 1).await?;
    let cpu_ms = 1e3 * one.cpu.total() / one.created as f64;
    println!(
        "serve, {clients} clients, 1 endpoint: API {:.0} creates/s (p50 {:.1} ms); every event delivered at {:.0} events/s \
         (last delivery {:.1} s after the load stopped); CPU per delivered event {cpu_ms:.2} ms (kaiten {:.2}, \
         PostgreSQL {:.2}, RabbitMQ {:.2}); peak RSS {:.1} MiB",
        one.api_rate,
        ms(one.api_p50),
        one.delivered_rate,
        one.drain.as_secs_f64(),
        1e3 * one.cpu.kaiten / one.created as f64,
        1e3 * one.cpu.postgres / one.created as f64,
        1e3 * one.cpu.rabbitmq / one.created as f64,
        one.peak_rss,
    );

    println!(
        "the pipeline (relay, worker, delivery) costs {:.2} ms of CPU per event; the API write it follows {api_cpu_ms:.2} ms",
        cpu_ms - api_cpu_ms
    );
    if let Some((rate, cpu, events)) = one.drained {
        println!(
            "the pipeline alone (the {events} events behind when the load stopped, the API idle): {rate:.0} events/s \
             ({:.1} % of the API alone), CPU per event {:.2} ms (kaiten {:.2}, PostgreSQL {:.2}, RabbitMQ {:.2})",
            100.0 * rate / api_alone,
            1e3 * cpu.total() / events as f64,
            1e3 * cpu.kaiten / events as f64,
            1e3 * cpu.postgres / events as f64,
            1e3 * cpu.rabbitmq / events as f64,
        );
    }

    let half = api_alone / 2.0;
    let (latencies, open_peak) = open_loop(kaiten_bin, half, seconds).await?;
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
    println!("serve at {half:.0} creates/s (open loop): 201 → webhook p50 {:.1} ms, p99 {:.1} ms", ms(p50), ms(p99));
    let mut light_peak = 0.0_f64;
    for rate in [one.delivered_rate / 2.0, LIGHT_RATE] {
        let (latencies, peak) = open_loop(kaiten_bin, rate, seconds).await?;
        light_peak = light_peak.max(peak);
        let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
        println!(
            "serve at {rate:.0} creates/s (open loop): 201 → webhook p50 {:.1} ms ({:.1} × pgbench), p99 {:.1} ms ({:.1} ×)",
            ms(p50),
            p50.as_secs_f64() / floor.as_secs_f64(),
            ms(p99),
            p99.as_secs_f64() / floor.as_secs_f64(),
        );
    }

    let fan = loaded(kaiten_bin, settings, fanout).await?;
    let fan_deliveries = fan.delivered_rate * fanout as f64;
    println!(
        "serve, {clients} clients, {fanout} endpoints: {:.0} events/s, {fan_deliveries:.0} deliveries/s (last {:.1} s \
         after the load stopped); CPU per delivery {:.2} ms; peak RSS {:.1} MiB",
        fan.delivered_rate,
        fan.drain.as_secs_f64(),
        1e3 * fan.cpu.total() / (fan.created * fanout) as f64,
        fan.peak_rss,
    );

    let peak = one.peak_rss.max(open_peak).max(light_peak).max(fan.peak_rss);
    println!("\ntarget                                   measured");
    println!("pipeline rate / API alone ≥ 50 %          {:.1} %", 100.0 * one.delivered_rate / api_alone);
    if let Some((rate, ..)) = one.drained {
        println!("  (the pipeline alone, API idle: {:.1} %)", 100.0 * rate / api_alone);
    }
    println!("CPU per delivered event (≤ ⅓ of before)   {cpu_ms:.2} ms");
    println!("p99 201 → webhook ≤ 10 × pgbench          {:.1} ×", p99.as_secs_f64() / floor.as_secs_f64());
    println!("p50 201 → webhook ≤ 3 × pgbench           {:.1} ×", p50.as_secs_f64() / floor.as_secs_f64());
    println!("deliveries/s at {fanout} endpoints ÷ events/s at 1 ≥ 5  {:.1}", fan_deliveries / one.delivered_rate);
    let peak_mb = peak * 1024.0 * 1024.0 / 1e6;
    println!("peak RSS ≤ 150 MB                         {peak_mb:.1} MB ({peak:.1} MiB)");
    Ok(())
}
