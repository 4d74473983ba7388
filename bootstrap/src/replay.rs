//! `kaiten outbox replay`: the time window from the command line, a progress bar on stderr and the
//! count on stdout.

use crate::config::Config;
use anyhow::Context;
use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use kaiten_application::ports::outbox::ReplayWindow;
use kaiten_application::use_cases::replay_outbox::ReplayOutbox;
use kaiten_cdc::PgOutboxReplay;
use kaiten_rabbitmq::LapinEventBus;
use std::sync::Arc;
use uuid::Uuid;

fn instant(raw: &str, flag: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .with_context(|| format!("{flag} `{raw}` is not an RFC 3339 date-time (e.g. 2026-11-29T00:00:00Z)"))
}

pub async fn run(config: &Config, since: &str, until: Option<&str>, organization: Option<Uuid>) -> anyhow::Result<()> {
    let window = ReplayWindow {
        since: instant(since, "--since")?,
        until: until.map(|raw| instant(raw, "--until")).transpose()?.unwrap_or_else(Utc::now),
        organization_id: organization,
    };
    anyhow::ensure!(window.since < window.until, "--since must be before --until");
    let source = PgOutboxReplay::connect(&config.database_url, "kaiten").await.context("database")?;
    let bus = LapinEventBus::new(config.broker()?, config.topology()?);
    let replay = ReplayOutbox::new(Arc::new(source), Arc::new(bus));
    let total = replay.count(&window).await?;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} events ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let published = replay.execute(&window, &|done| bar.set_position(done)).await.context("replaying the outbox")?;
    bar.finish();
    println!("{}", serde_json::json!({"published": published}));
    Ok(())
}
