//! `kaiten-bench`: measures the pipeline on this machine against the real PostgreSQL and RabbitMQ,
//! each run on its own database, slot, exchange and queue (removed afterwards). `bench/relay.sh`
//! runs the relay benchmarks together with `pg_recvlogical`; results are recorded in BENCHMARKS.md.

mod delivery;
mod latency;
mod receiver;
mod relay_drain;
mod setup;
mod worker;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Benchmarks of the Kaiten pipeline")]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
        Command::WorkerDrain { messages, prefetch } => worker::drain(messages, prefetch).await,
        Command::WorkerLatency { rate, seconds, prefetch } => worker::latency(rate, seconds, prefetch).await,
        Command::DeliveryThroughput { events, endpoints, concurrency } => {
            delivery::throughput(events, endpoints, concurrency).await
        }
        Command::DeliveryLatency { kaiten, rate, seconds } => delivery::end_to_end(&kaiten, rate, seconds).await,
    }
}
