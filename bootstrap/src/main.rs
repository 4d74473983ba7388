//! `kaiten`: see `kaiten --help`.

use anyhow::Context;
use clap::Parser;
use kaiten::cli::{Cli, Command, DlqCommand, OrgCommand, OutboxCommand, WebhooksCommand};
use kaiten::config::Role;
use kaiten::{Config, app, telemetry};
use kaiten_application::use_cases::prune_old_rows::PruneOldRows;
use kaiten_postgres::{PgPool, PgRetention};
use std::collections::BTreeSet;
use std::sync::Arc;

/// mimalloc rather than the C library's allocator: a quarter of the process's CPU under load went to
/// glibc's malloc and free (BENCHMARKS.md, "The whole system"). Built without asking for transparent
/// huge pages (`no_thp`): with them, every 2 MiB of heap it touched counted whole in the RSS, a
/// third more at the same load and no faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kaiten_webhook_http::install_default_crypto_provider();
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    // Held to the end of `main`: dropping it flushes the spans not yet exported.
    let _telemetry = telemetry::init(&config.log_format)?;
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::Serve | Command::Relay | Command::Api | Command::Worker => {
            match command {
                Command::Relay => config.roles = BTreeSet::from([Role::Relay]),
                Command::Api => config.roles = BTreeSet::from([Role::Api]),
                Command::Worker => config.roles = BTreeSet::from([Role::Worker]),
                _ => {}
            }
            let app = app::build(config).await?;
            let serves_api = app.serves(Role::Api);
            let ops = match app.config.ops_port {
                Some(port) => Some(app.bind_port(port).await?),
                None => None,
            };
            let api = if serves_api { Some(app.bind().await?) } else { None };
            app.run(app::Listeners { api, ops }, app::shutdown_signal()).await
        }
        Command::Migrate => {
            kaiten_postgres::ensure_database(&config.database_url).await?;
            let applied = kaiten_postgres::run_migrations(&config.database_url).await?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Outbox { command: OutboxCommand::Prune { older_than } } => {
            if let Some(older_than) = older_than {
                config.outbox_retention = older_than.into();
            }
            prune(&config, config.outbox_retention()?, PgRetention::outbox, "the outbox").await
        }
        Command::Webhooks { command: WebhooksCommand::Prune { older_than } } => {
            if let Some(older_than) = older_than {
                config.webhooks_retention = older_than.into();
            }
            prune(&config, config.webhooks_retention()?, PgRetention::webhook_messages, "webhook messages").await
        }
        Command::Outbox { command: OutboxCommand::Replay { since, until, organization } } => {
            kaiten::replay::run(&config, &since, until.as_deref(), organization).await
        }
        Command::Dlq { command: DlqCommand::Requeue { limit } } => kaiten::dead_letters::requeue(&config, limit).await,
        Command::Org { command: OrgCommand::Create { name } } => {
            // Only the database (and Svix, when configured) is needed: the relay's slot and the
            // broker's topology are left to the processes that relay and consume.
            config.roles = BTreeSet::from([Role::Api]);
            let app = app::build(config).await?;
            let created =
                app.use_cases.create_organization.execute(&name).await.context("cannot create the organization")?;
            let organization = kaiten_contract::account::Organization::from(created.organization);
            println!("{}", serde_json::json!({"organization": organization, "token": created.token}));
            Ok(())
        }
    }
}

/// Deletes the rows older than `keep` of one retention, printing how many as JSON.
async fn prune(
    config: &Config,
    keep: chrono::TimeDelta,
    retention: fn(PgPool) -> PgRetention,
    what: &str,
) -> anyhow::Result<()> {
    let pool = kaiten_postgres::connect(&config.database_url, 2).await?;
    let deleted =
        PruneOldRows::new(Arc::new(retention(pool))).execute(keep).await.with_context(|| format!("pruning {what}"))?;
    println!("{}", serde_json::json!({"deleted": deleted}));
    Ok(())
}
