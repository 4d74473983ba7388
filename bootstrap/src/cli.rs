//! The command line: `kaiten [serve] | migrate | org create --name NAME`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "kaiten",
    version,
    about = "Kaiten: the REST API and event backbone that turns every change into a signed webhook."
)]
pub struct Cli {
    /// A TOML file with configuration keys (overridden by KAITEN_* environment variables).
    #[arg(long, global = true, env = "KAITEN_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the roles named by KAITEN_ROLES (the default command; default `api,relay,worker`): the HTTP
    /// API on KAITEN_BIND:KAITEN_PORT, the CDC relay and the webhooks worker, in one process under one
    /// shutdown signal.
    Serve,
    /// Run only the CDC relay: stream the replication slot KAITEN_SLOT and publish every committed
    /// outbox row to the exchange KAITEN_EXCHANGE. A second relay on the same slot waits and takes over.
    Relay,
    /// Run only the REST API.
    Api,
    /// Run only the webhooks worker: consume KAITEN_QUEUE and hand every event to the webhook sender
    /// (Svix when SVIX_API_KEY is set), retrying through delay queues and dead-lettering poison messages.
    Worker,
    /// Create the database when missing and apply pending migrations, then exit.
    Migrate,
    /// Outbox maintenance.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Webhook maintenance (the built-in delivery engine).
    Webhooks {
        #[command(subcommand)]
        command: WebhooksCommand,
    },
    /// Manage organizations (operators only).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// The dead-letter queues (events and scheduled deliveries).
    Dlq {
        #[command(subcommand)]
        command: DlqCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Move dead-lettered messages back onto their work queue (`<exchange>.dlq` → KAITEN_QUEUE, and
    /// the deliveries' `<exchange>.deliveries.dlq` → `<queue>.deliveries`), each confirmed before it
    /// leaves the dead-letter queue; shows a progress bar and prints the counts as JSON.
    Requeue {
        /// Move at most this many messages from each dead-letter queue.
        #[arg(long)]
        limit: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization and print it with a `write:*` token as one JSON object.
    Create {
        /// The organization's display name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Delete webhook messages, with their delivery attempts, older than the retention
    /// (KAITEN_WEBHOOKS_RETENTION, default 90d) in small batches, and print how many. `kaiten serve`
    /// also does this every hour.
    Prune {
        /// Keep messages younger than this instead (`30d`, …; at least the retry schedule and a day, and
        /// at least the outbox retention).
        #[arg(long)]
        older_than: Option<humantime::Duration>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Delete outbox rows older than the retention (KAITEN_OUTBOX_RETENTION, default 7d) in small
    /// batches, and print how many. `kaiten serve` also does this every hour.
    Prune {
        /// Keep rows younger than this instead (`7d`, `36h`, …).
        #[arg(long)]
        older_than: Option<humantime::Duration>,
    },
    /// Re-publish the stored outbox rows created in [--since, --until) to KAITEN_EXCHANGE, in the
    /// relay's format and with publisher confirms, oldest first; shows a progress bar and prints the
    /// count. Deliveries are idempotent on the event id, so replaying delivered events is harmless.
    Replay {
        /// RFC 3339 start (inclusive), e.g. 2026-11-29T00:00:00Z.
        #[arg(long)]
        since: String,
        /// RFC 3339 end (exclusive); default now.
        #[arg(long)]
        until: Option<String>,
        /// Only this organization's events.
        #[arg(long)]
        organization: Option<uuid::Uuid>,
    },
}
