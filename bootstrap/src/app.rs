//! Wiring: builds the adapters from the configuration and runs the requested roles until shutdown.

use crate::config::{Config, Role};
use anyhow::Context;
use kaiten_application::UseCases;
use kaiten_application::ports::health::ReadinessCheck;
use kaiten_application::ports::webhooks::WebhookSender;
use kaiten_application::use_cases::dispatch_event::DispatchEvent;
use kaiten_application::use_cases::prune_outbox::PruneOutbox;
use kaiten_cdc::{Relay, RelayConfig, RelayReadiness};
use kaiten_http::AppState;
use kaiten_postgres::{DatabaseReadiness, PgOutboxRetention, PgPool, PgUnitOfWork, pooled_repositories};
use kaiten_rabbitmq::{LapinConsumer, LapinEventBus, Topology};
use kaiten_svix::SvixWebhookSender;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The composed system, ready to serve.
pub struct App {
    pub config: Config,
    pub pool: PgPool,
    pub use_cases: Arc<UseCases>,
    pub bus: Arc<LapinEventBus>,
    /// Present when this process runs the relay role.
    pub relay: Option<Arc<Relay>>,
    /// Present when a webhook sender is configured (the worker and the Dapr ingress use it).
    pub dispatch: Option<Arc<DispatchEvent>>,
    /// Present when this process runs the worker role.
    pub consumer: Option<Arc<LapinConsumer>>,
}

/// The webhook sender the configuration asks for: Svix when `SVIX_API_KEY` is set.
pub async fn configured_sender(config: &Config) -> anyhow::Result<Option<Arc<dyn WebhookSender>>> {
    let Some(api_key) = config.svix_api_key.clone() else { return Ok(None) };
    let svix = SvixWebhookSender::new(api_key, config.svix_server_url.clone());
    svix.register_event_types().await.map_err(|e| anyhow::anyhow!("registering the event types on Svix: {e}"))?;
    tracing::info!("webhooks are delivered by Svix");
    Ok(Some(Arc::new(svix)))
}

/// Builds the app with the configured webhook sender.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let sender = configured_sender(&config).await?;
    build_with_sender(config, sender).await
}

/// Connects to the database (creating and migrating it when needed), builds the use cases and, for
/// the relay role, checks PostgreSQL and prepares the slot, publication and broker topology.
pub async fn build_with_sender(config: Config, sender: Option<Arc<dyn WebhookSender>>) -> anyhow::Result<App> {
    let roles = config.roles()?;
    anyhow::ensure!(
        sender.is_some() || !roles.contains(&Role::Worker),
        "the worker role needs a webhook sender: set SVIX_API_KEY"
    );
    let pool = kaiten_postgres::connect(&config.database_url, config.database_max_connections)
        .await
        .with_context(|| format!("database {}", kaiten_postgres::redact(&config.database_url)))?;
    let reads = pooled_repositories(pool.clone());
    let use_cases = Arc::new(UseCases::new(Arc::new(PgUnitOfWork::new(pool.clone())), reads.clone(), sender.clone()));
    let dispatch = sender.map(|sender| Arc::new(DispatchEvent::new(reads, sender)));
    let topology = Topology::new(&config.exchange, &config.queue);
    let bus = Arc::new(LapinEventBus::new(config.amqp_url.clone(), topology.clone()));
    let relay = if roles.contains(&Role::Relay) {
        let relay = Arc::new(Relay::new(RelayConfig::new(&config.database_url, &config.slot), bus.clone()));
        relay.prepare().await.context("relay")?;
        Some(relay)
    } else {
        None
    };
    let consumer = (roles.contains(&Role::Worker) && dispatch.is_some())
        .then(|| Arc::new(LapinConsumer::new(config.amqp_url.clone(), topology, config.worker_prefetch)));
    Ok(App { config, pool, use_cases, bus, relay, dispatch, consumer })
}

impl App {
    /// The HTTP router of this app.
    pub fn router(&self) -> axum::Router {
        kaiten_http::router(AppState {
            use_cases: self.use_cases.clone(),
            dispatch: self.dispatch.clone(),
            dapr_topic: self.config.exchange.clone(),
            readiness: self.readiness(),
            metrics: crate::metrics::renderer(crate::metrics::Sources {
                pool: Some(self.pool.clone()),
                relay: self.relay.as_ref().map(|relay| relay.stats()),
                consumer: self.consumer.as_ref().map(|consumer| consumer.stats()),
            }),
        })
    }

    /// What this process depends on: the database and the broker always, the slot when it relays.
    fn readiness(&self) -> Vec<Arc<dyn ReadinessCheck>> {
        let mut checks: Vec<Arc<dyn ReadinessCheck>> =
            vec![Arc::new(DatabaseReadiness::new(self.pool.clone())), self.bus.clone()];
        if let Some(relay) = &self.relay {
            checks.push(Arc::new(RelayReadiness(relay.stats())));
        }
        checks
    }

    /// Binds the HTTP listener (port 0 picks a free port).
    pub async fn bind(&self) -> anyhow::Result<TcpListener> {
        let address = SocketAddr::new(self.config.bind, self.config.port);
        TcpListener::bind(address).await.with_context(|| format!("cannot listen on {address}"))
    }

    /// Runs the configured roles until `shutdown` resolves, then stops them all gracefully.
    pub async fn run(
        self,
        listener: Option<TcpListener>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let stop = CancellationToken::new();
        let relay = self.relay.clone().map(|relay| {
            let stop = stop.clone();
            tokio::spawn(async move { relay.run(stop).await })
        });
        let worker = match (self.consumer.clone(), self.dispatch.clone()) {
            (Some(consumer), Some(dispatch)) => {
                let stop = stop.clone();
                Some(tokio::spawn(async move { consumer.run(dispatch, stop).await }))
            }
            _ => None,
        };
        let retention = self.config.outbox_retention()?;
        let prune = PruneOutbox::new(Arc::new(PgOutboxRetention::new(self.pool.clone())));
        let pruning_stop = stop.clone();
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tokio::select! {
                    () = pruning_stop.cancelled() => break,
                    _ = hourly.tick() => match prune.execute(retention).await {
                        Ok(0) => {}
                        Ok(deleted) => tracing::info!(deleted, "pruned old outbox rows"),
                        Err(error) => tracing::warn!(%error, "outbox pruning failed"),
                    },
                }
            }
        });
        let trigger = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            trigger.cancel();
        });
        if let Some(listener) = listener {
            let address = listener.local_addr()?;
            tracing::info!(%address, "API listening on http://{address}/api");
            let stopped = stop.clone();
            axum::serve(listener, self.router())
                .with_graceful_shutdown(async move { stopped.cancelled().await })
                .await
                .context("HTTP server")?;
        }
        // The relay and the worker stop on the same signal.
        stop.cancelled().await;
        if let Some(worker) = worker {
            worker.await.context("worker task")?;
        }
        if let Some(relay) = relay {
            relay.await.context("relay task")?.context("relay")?;
        }
        tracing::info!("stopped");
        Ok(())
    }
}
/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
