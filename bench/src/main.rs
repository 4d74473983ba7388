//! `kaiten-bench`: measures the pipeline on this machine against the real PostgreSQL and RabbitMQ,
//! each run on its own database, slot, exchange and queue (removed afterwards). `bench/relay.sh`
//! runs the relay benchmarks together with `pg_recvlogical`; results are recorded in BENCHMARKS.md.

mod api_e2e;
mod api_write;
mod cpu;
mod delivery;
mod envelope;
mod kaiten;
mod latency;
mod receiver;
mod relay_drain;
mod relay_memory;
mod round_trips;
mod setup;
mod system;
mod worker;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Benchmarks of the Kaiten pipeline")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The binaries a load benchmark runs and how many clients it drives.
#[derive(clap::Args)]
struct LoadArgs {
    /// The release `kaiten` binary.
    #[arg(long)]
    kaiten: String,
    #[arg(long, default_value = "pgbench")]
    pgbench: String,
    #[arg(long, default_value_t = 32)]
    clients: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a backlog of outbox rows, then measures how fast the relay drains it onto RabbitMQ
    /// (with confirms) and how fast a plain lapin publisher publishes messages of the same size.
    RelayDrain {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value_t = 10)]
        rows_per_transaction: usize,
        /// Also create a second slot for `pg_recvlogical` and print its name and the end LSN.
        #[arg(long)]
        recvlogical_slot: bool,
    },
    /// Drains a pre-filled queue of relay-format messages with the worker (no-op sender) and with a
    /// bare lapin consumer, in the same run.
    WorkerDrain {
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        #[arg(long, default_value_t = 64)]
        prefetch: u16,
    },
    /// The worker's envelope parser on the relay's message, next to parsing it whole into JSON values.
    EnvelopeParse {
        #[arg(long, default_value_t = 200_000)]
        iterations: usize,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Relay + worker: commit → `WebhookSender::send` latency at a fixed commit rate.
    WorkerLatency {
        #[arg(long, default_value_t = 500)]
        rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, default_value_t = 64)]
        prefetch: u16,
    },
    /// The built-in engine alone: deliveries per second to a fast local receiver.
    DeliveryThroughput {
        #[arg(long, default_value_t = 5_000)]
        events: usize,
        #[arg(long, default_value_t = 10)]
        endpoints: usize,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
    /// `kaiten serve` (given binary) end to end: commit → webhook receiver at a fixed rate, and its peak RSS.
    DeliveryLatency {
        #[arg(long)]
        kaiten: String,
        #[arg(long, default_value_t = 500)]
        rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// The REST API end to end with `kaiten serve` (given binary): `POST /api/customers` at a fixed
    /// rate (open loop), 201 → webhook receiver latency, and the server's peak RSS.
    ApiE2e {
        #[arg(long)]
        kaiten: String,
        #[arg(long, default_value_t = 200)]
        rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Customers created per second through the API by concurrent clients (closed loop), then
    /// `pgbench` running the same two INSERTs at the same concurrency on the same database.
    ApiWrite {
        #[command(flatten)]
        load: LoadArgs,
        /// The server's database connections (default: as many as clients).
        #[arg(long)]
        pool: Option<usize>,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// API and pgbench phases alternate this many times.
        #[arg(long, default_value_t = 2)]
        rounds: u32,
        /// pgbench's query protocol (`-M`): simple (its default), extended or prepared.
        #[arg(long, default_value = "simple")]
        pgbench_protocol: String,
    },
    /// Writes a backlog of large rows, then drains it with the relay, printing the process's peak RSS
    /// during the drain.
    RelayMemory {
        #[arg(long, default_value_t = 2_000)]
        rows: usize,
        /// Size of each row's payload, in KiB.
        #[arg(long, default_value_t = 1000)]
        row_kib: usize,
        #[arg(long, default_value_t = 10)]
        rows_per_transaction: usize,
        /// Relay with the message-count window alone (no byte bound, the old read-ahead).
        #[arg(long)]
        count_window_only: bool,
        /// How long the broker stops reading at the start of the drain, in seconds.
        #[arg(long, default_value_t = 10)]
        stall_seconds: u64,
    },
    /// The whole system in one run (`bench/system.sh`): pgbench's single-client floor, the API alone,
    /// `serve` with delivery (rate, CPU per event), latency at half the API-alone rate, fan-out.
    System {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Endpoints of the fan-out phase.
        #[arg(long, default_value_t = 10)]
        fanout: usize,
    },
    /// pgbench on the API's two INSERTs in one transaction at `clients`, as the API sends them (four
    /// round trips), pipelined into two and one, and as one statement: what the write's round trips cost.
    RoundTrips {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 2)]
        rounds: u32,
    },
    /// Commits one outbox row at a fixed rate and measures commit → message on the queue.
    RelayLatency {
        #[arg(long, default_value_t = 500)]
        rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::RelayDrain { rows, rows_per_transaction, recvlogical_slot } => {
            relay_drain::run(rows, rows_per_transaction, recvlogical_slot).await
        }
        Command::RelayLatency { rate, seconds } => latency::run(rate, seconds).await,
        Command::RelayMemory { rows, row_kib, rows_per_transaction, count_window_only, stall_seconds } => {
            let stall = std::time::Duration::from_secs(stall_seconds);
            relay_memory::run(rows, row_kib, rows_per_transaction, count_window_only, stall).await
        }
        Command::WorkerDrain { messages, prefetch } => worker::drain(messages, prefetch).await,
        Command::EnvelopeParse { iterations, rounds } => envelope::run(iterations, rounds),
        Command::WorkerLatency { rate, seconds, prefetch } => worker::latency(rate, seconds, prefetch).await,
        Command::DeliveryThroughput { events, endpoints, concurrency } => {
            delivery::throughput(events, endpoints, concurrency).await
        }
        Command::DeliveryLatency { kaiten, rate, seconds } => delivery::end_to_end(&kaiten, rate, seconds).await,
        Command::ApiE2e { kaiten, rate, seconds } => api_e2e::run(&kaiten, rate, seconds).await,
        Command::System { load: LoadArgs { kaiten, pgbench, clients }, seconds, fanout } => {
            system::run(&kaiten, &system::Settings { clients, seconds, fanout, pgbench }).await
        }
        Command::RoundTrips { load: LoadArgs { kaiten, pgbench, clients }, seconds, rounds } => {
            round_trips::run(&kaiten, &pgbench, clients, seconds, rounds).await
        }
        Command::ApiWrite { load: LoadArgs { kaiten, pgbench, clients }, pool, seconds, rounds, pgbench_protocol } => {
            let settings = api_write::Settings { clients, pool, seconds, rounds, protocol: pgbench_protocol };
            api_write::run(&kaiten, &pgbench, &settings).await
        }
    }
}
