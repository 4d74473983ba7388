//! Hourly pruning of what is kept for a while only: outbox rows, the built-in engine's webhook
//! messages, the owners of event ids handed to Svix, resend windows and instance audit trails.

use crate::config::Config;
use kaiten_application::use_cases::prune_old_rows::PruneOldRows;
use kaiten_postgres::{PgPool, PgRetention};
use std::future::Future;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The pruning loop, until `stop`: every hour, each table past its retention.
pub fn every_hour(
    config: &Config,
    pool: &PgPool,
    stop: CancellationToken,
) -> anyhow::Result<impl Future<Output = anyhow::Result<()>> + Send + 'static> {
    let prunes = [
        ("outbox rows", config.outbox_retention()?, PgRetention::outbox(pool.clone())),
        ("webhook messages", config.webhooks_retention()?, PgRetention::webhook_messages(pool.clone())),
        ("event owners", config.webhooks_retention()?, PgRetention::event_owners(pool.clone())),
        ("webhook recoveries", config.webhooks_retention()?, PgRetention::webhook_recoveries(pool.clone())),
        ("resend windows", chrono::TimeDelta::days(1), PgRetention::resend_windows(pool.clone())),
        ("audit-trail entries", config.audit_trail_retention()?, PgRetention::audit_trails(pool.clone())),
    ]
    .map(|(what, keep, retention)| (what, keep, PruneOldRows::new(Arc::new(retention))));
    Ok(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tokio::select! {
                () = stop.cancelled() => return Ok(()),
                _ = hourly.tick() => for (what, keep, prune) in &prunes {
                    match prune.execute(*keep).await {
                        Ok(0) => {}
                        Ok(deleted) => tracing::info!(deleted, "pruned old {what}"),
                        Err(error) => tracing::warn!(%error, "pruning old {what} failed"),
                    }
                },
            }
        }
    })
}
