//! `kaiten`: see `kaiten --help`.

use anyhow::Context;
use clap::Parser;
use kaiten::cli::{Cli, Command, OrgCommand};
use kaiten::{Config, app, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    telemetry::init(&config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = app::build(config).await?;
            let listener = app.bind().await?;
            app.run(listener, app::shutdown_signal()).await
        }
        Command::Migrate => {
            kaiten_postgres::ensure_database(&config.database_url).await?;
            let applied = kaiten_postgres::run_migrations(&config.database_url).await?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Org {
            command: OrgCommand::Create { name },
        } => {
            let app = app::build(config).await?;
            let created = app
                .use_cases
                .create_organization
                .execute(&name)
                .await
                .context("cannot create the organization")?;
            println!("{}", serde_json::to_string(&created)?);
            Ok(())
        }
    }
}
