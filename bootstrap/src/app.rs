//! Wiring: builds the adapters from the configuration and runs the requested roles until shutdown.

use crate::config::{Config, Role};
use anyhow::Context;
use kaiten_application::UseCases;
use kaiten_http::AppState;
use kaiten_postgres::{PgPool, PgUnitOfWork, pooled_repositories};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The composed system, ready to serve.
pub struct App {
    pub config: Config,
    pub pool: PgPool,
    pub use_cases: Arc<UseCases>,
}

/// Connects to the database (creating and migrating it when needed) and builds the use cases.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let pool = kaiten_postgres::connect(&config.database_url, config.database_max_connections)
        .await
        .with_context(|| format!("database {}", kaiten_postgres::redact(&config.database_url)))?;
    let use_cases = Arc::new(UseCases::new(
        Arc::new(PgUnitOfWork::new(pool.clone())),
        pooled_repositories(pool.clone()),
    ));
    Ok(App {
        config,
        pool,
        use_cases,
    })
}

impl App {
    /// The HTTP router of this app.
    pub fn router(&self) -> axum::Router {
        kaiten_http::router(AppState {
            use_cases: self.use_cases.clone(),
        })
    }

    /// Binds the HTTP listener (port 0 picks a free port).
    pub async fn bind(&self) -> anyhow::Result<TcpListener> {
        let address = SocketAddr::new(self.config.bind, self.config.port);
        TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))
    }

    /// Runs the configured roles until `shutdown` resolves, then stops gracefully.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let roles = self.config.roles()?;
        if roles.contains(&Role::Api) {
            let address = listener.local_addr()?;
            tracing::info!(%address, "API listening on http://{address}/api");
            axum::serve(listener, self.router())
                .with_graceful_shutdown(shutdown)
                .await
                .context("HTTP server")?;
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
