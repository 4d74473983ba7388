//! Wiring: builds the adapters from the configuration and runs the requested roles until shutdown.

use crate::config::{Config, Role};
use crate::delivery_backend::configured_delivery;
use crate::supervisor::Supervisor;
use anyhow::Context;
use kaiten_application::UseCases;
use kaiten_application::ports::health::ReadinessCheck;
use kaiten_application::ports::operational_events::OperationalWebhookInbox;
use kaiten_application::ports::webhooks::WebhookSender;
use kaiten_application::use_cases::dispatch_event::DispatchEvent;
use kaiten_application::use_cases::manage_webhooks::WebhookApi;
use kaiten_cdc::{Relay, RelayReadiness};
use kaiten_delivery::DeliveryTaskHandler;
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_http::{AppState, DaprIngress};
use kaiten_postgres::{
    DatabaseReadiness, PgCustomerDirectory, PgEventFeed, PgPool, PgRecoveryLog, PgResendLimiter, PgUnitOfWork,
    TokenCache, TokenChanges, pooled_repositories_with_token_cache,
};
use kaiten_rabbitmq::{ConsumerReadiness, LapinConsumer, LapinEventBus};
use secrecy::ExposeSecret;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The composed system, ready to serve.
pub struct App {
    pub config: Config,
    pub pool: PgPool,
    pub use_cases: Arc<UseCases>,
    /// The broker connection `/api/readyz` checks (the relay publishes on a connection of its own, which
    /// only the relay reconnects).
    pub broker_check: Arc<LapinEventBus>,
    /// Present when this process runs the relay role.
    pub relay: Option<Arc<Relay>>,
    /// Hands pipeline events to the webhook sender (the worker and the Dapr ingress use it).
    pub dispatch: Arc<DispatchEvent>,
    /// Present when this process runs the worker role.
    pub consumer: Option<Arc<LapinConsumer>>,
    /// The built-in engine's scheduled attempts, when it delivers and this process runs the worker.
    pub deliveries: Option<(Arc<LapinConsumer>, Arc<DeliveryTaskHandler>)>,
    /// The long-lived tasks `run` starts; readiness fails when one ends on its own.
    pub supervisor: Supervisor,
    /// Authenticated tokens, served from memory while `run` listens to token changes.
    pub token_cache: Arc<TokenCache>,
    /// What readiness checks of the delivery backend.
    delivery_readiness: Option<Arc<dyn ReadinessCheck>>,
    /// Svix's operational webhooks, when configured.
    operational_inbox: Option<Arc<dyn OperationalWebhookInbox>>,
}

/// Where the process listens: the API (or, without the API role, the operations endpoints) and the
/// operations port.
#[derive(Debug, Default)]
pub struct Listeners {
    pub api: Option<TcpListener>,
    pub ops: Option<TcpListener>,
}

/// Builds the app with the configured webhook delivery.
pub async fn build(config: Config) -> anyhow::Result<App> {
    build_with_sender(config, None).await
}

/// Connects to the database (creating and migrating it when needed), builds the use cases and, for
/// the relay role, checks PostgreSQL and prepares the slot, publication and broker topology.
/// `sender` replaces the configured webhook sender (the webhook API stays on the configured backend).
pub async fn build_with_sender(config: Config, sender: Option<Arc<dyn WebhookSender>>) -> anyhow::Result<App> {
    let roles = config.roles.clone();
    let pool =
        kaiten_postgres::connect_waiting(&config.database_url, config.database_max_connections, config.pool_timeout()?)
            .await
            .with_context(|| format!("database {}", kaiten_postgres::redact(&config.database_url)))?;
    let token_cache = TokenCache::new();
    let reads = pooled_repositories_with_token_cache(pool.clone(), token_cache.clone());
    let topology = config.topology()?;
    let broker = config.broker()?;
    let delivery = configured_delivery(&config, &pool, &broker, &topology).await?;
    let delivery_readiness = delivery.readiness.clone();
    let operational_inbox = delivery.operational_inbox.clone();
    let sender = sender.unwrap_or(delivery.sender);
    let policy = UrlPolicy::new(config.webhooks_allow_private);
    let uow = Arc::new(PgUnitOfWork::new(pool.clone()).with_token_cache(token_cache.clone()));
    let webhook_api = WebhookApi {
        management: delivery.management,
        resends: Arc::new(PgResendLimiter::new(pool.clone())),
        customers: Arc::new(PgCustomerDirectory::new(pool.clone())),
        recoveries: Arc::new(PgRecoveryLog::new(pool.clone())),
        policy,
        limits: config.webhook_limits()?,
    };
    let events = Arc::new(PgEventFeed::new(pool.clone()));
    let use_cases = Arc::new(UseCases::new(uow, reads.clone(), Some(sender.clone()), webhook_api, events));
    let dispatch = Arc::new(DispatchEvent::new(reads, sender));
    let broker_check = Arc::new(LapinEventBus::new(broker.clone(), topology.clone()));
    let relay = if roles.contains(&Role::Relay) {
        let bus = Arc::new(LapinEventBus::new(broker.clone(), topology.clone()));
        let relay = Arc::new(Relay::new(config.relay(), bus));
        relay.prepare().await.context("relay")?;
        Some(relay)
    } else {
        None
    };
    let worker = roles.contains(&Role::Worker);
    let consumer =
        worker.then(|| Arc::new(LapinConsumer::new(broker.clone(), topology.clone(), config.worker_prefetch)));
    let deliveries = delivery.engine.filter(|_| worker).map(|engine| {
        let consumer = LapinConsumer::new(broker.clone(), topology.deliveries(), config.worker_prefetch);
        (Arc::new(consumer), Arc::new(DeliveryTaskHandler::new(engine)))
    });
    let supervisor = Supervisor::default();
    Ok(App {
        config,
        pool,
        use_cases,
        broker_check,
        relay,
        dispatch,
        consumer,
        deliveries,
        supervisor,
        delivery_readiness,
        token_cache,
        operational_inbox,
    })
}

impl App {
    /// Whether this process runs `role`.
    pub fn serves(&self, role: Role) -> bool {
        self.config.roles.contains(&role)
    }

    /// The HTTP router of this app: the API, or only the operations endpoints without the API role.
    pub fn router(&self) -> axum::Router {
        if self.serves(Role::Api) { kaiten_http::router(self.state()) } else { self.operations_router() }
    }

    /// The operations endpoints alone (`KAITEN_OPS_PORT`): health, readiness and metrics.
    pub fn operations_router(&self) -> axum::Router {
        kaiten_http::operations_router(self.state())
    }

    fn state(&self) -> AppState {
        AppState {
            use_cases: self.use_cases.clone(),
            dapr: self.config.dapr_api_token.as_ref().map(|token| DaprIngress {
                dispatch: self.dispatch.clone(),
                topic: self.config.exchange.clone(),
                api_token: Arc::from(token.expose_secret()),
            }),
            svix_operational: self.operational_inbox.clone(),
            readiness: self.readiness().into(),
            metrics: crate::metrics::renderer(crate::metrics::Sources {
                pool: Some(self.pool.clone()),
                relay: self.relay.as_ref().map(|relay| relay.stats()),
                consumer: self.consumer.as_ref().map(|consumer| consumer.stats()),
            }),
            metrics_public: self.config.metrics_public,
        }
    }

    /// What this process depends on: the database and the broker always, the slot when it relays.
    fn readiness(&self) -> Vec<Arc<dyn ReadinessCheck>> {
        let mut checks: Vec<Arc<dyn ReadinessCheck>> = vec![
            Arc::new(DatabaseReadiness::new(self.pool.clone())),
            self.broker_check.clone(),
            self.supervisor.readiness(),
        ];
        if let Some(relay) = &self.relay {
            checks.push(Arc::new(RelayReadiness(relay.stats())));
        }
        if let Some(backend) = &self.delivery_readiness {
            checks.push(backend.clone());
        }
        if let Some(consumer) = &self.consumer {
            checks.push(Arc::new(ConsumerReadiness { name: "worker", stats: consumer.stats() }));
        }
        if let Some((consumer, _)) = &self.deliveries {
            checks.push(Arc::new(ConsumerReadiness { name: "deliveries", stats: consumer.stats() }));
        }
        checks
    }

    /// Binds the HTTP listener (port 0 picks a free port).
    pub async fn bind(&self) -> anyhow::Result<TcpListener> {
        self.bind_port(self.config.port).await
    }

    /// Binds a listener on `port` of the configured address.
    pub async fn bind_port(&self, port: u16) -> anyhow::Result<TcpListener> {
        let address = SocketAddr::new(self.config.bind, port);
        TcpListener::bind(address).await.with_context(|| format!("cannot listen on {address}"))
    }

    /// Runs the configured roles until `shutdown` resolves, then stops them all gracefully: the
    /// `api` listener serves [`Self::router`], the `ops` listener [`Self::operations_router`].
    pub async fn run(
        self,
        listeners: Listeners,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Listeners { api: listener, ops } = listeners;
        let supervisor = self.supervisor.clone();
        let stop = supervisor.stop_signal();
        if let Some(relay) = self.relay.clone() {
            let stop = stop.clone();
            supervisor.spawn("relay", async move { Ok(relay.run(stop).await?) });
        }
        if let Some(consumer) = self.consumer.clone() {
            let (dispatch, stop) = (self.dispatch.clone(), stop.clone());
            supervisor.spawn("worker", async move {
                consumer.run(dispatch, stop).await;
                Ok(())
            });
        }
        if let Some((consumer, handler)) = self.deliveries.clone() {
            let stop = stop.clone();
            supervisor.spawn("deliveries", async move {
                consumer.run(handler, stop).await;
                Ok(())
            });
        }
        if self.serves(Role::Api) {
            let changes = TokenChanges::new(self.config.database_url.clone(), self.token_cache.clone());
            let stopped = stop.clone();
            supervisor.spawn("token changes", async move {
                changes.run(async move { stopped.cancelled().await }).await;
                Ok(())
            });
        }
        supervisor.spawn("pruning", crate::pruning::every_hour(&self.config, &self.pool, stop.clone())?);
        let trigger = stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            trigger.cancel();
        });
        let limits = self.config.server_limits()?;
        if let Some(listener) = ops {
            let address = listener.local_addr()?;
            tracing::info!(%address, "operations endpoints on http://{address}/api/readyz and /metrics");
            let (router, stopped) = (self.operations_router(), stop.clone());
            supervisor.spawn("operations server", async move {
                Ok(kaiten_http::serve(listener, router, limits, async move { stopped.cancelled().await }).await?)
            });
        }
        if let Some(listener) = listener {
            let address = listener.local_addr()?;
            tracing::info!(%address, "listening on http://{address}/api");
            let stopped = stop.clone();
            let served = kaiten_http::serve(listener, self.router(), limits, async move { stopped.cancelled().await });
            if let Err(error) = served.await {
                stop.cancel();
                return Err(error).context("HTTP server");
            }
        }
        // Everything stops on the same signal; a task that ended on its own is the process's error.
        supervisor.join().await?;
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
