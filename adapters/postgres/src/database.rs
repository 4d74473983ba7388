//! Database bootstrap: create the database when it is missing, run the embedded migrations, open the pool.

use crate::connection::PgPool;
use diesel::sql_query;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use std::time::Duration;

/// The SQL migrations of `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// An arbitrary constant key: the advisory lock that serialises concurrent migrators.
const MIGRATION_LOCK_KEY: i64 = 0x6b61_6974_656e;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("invalid database URL `{0}`: {1}")]
    InvalidUrl(String, String),
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(String),
    #[error("cannot create database `{0}`: {1}")]
    Create(String, String),
    #[error("migrations failed: {0}")]
    Migrate(String),
    #[error("cannot build the connection pool: {0}")]
    Pool(String),
}

/// Creates the database named by `url` when it does not exist yet (connecting to `postgres` to do so).
pub async fn ensure_database(url: &str) -> Result<(), DatabaseError> {
    let parsed = url::Url::parse(url).map_err(|e| DatabaseError::InvalidUrl(redact(url), e.to_string()))?;
    let name = parsed.path().trim_start_matches('/').to_owned();
    if name.is_empty() {
        return Err(DatabaseError::InvalidUrl(redact(url), "it names no database".into()));
    }
    let mut maintenance = parsed.clone();
    maintenance.set_path("/postgres");
    let mut conn =
        AsyncPgConnection::establish(maintenance.as_str()).await.map_err(|e| DatabaseError::Connect(e.to_string()))?;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let exists: Exists = sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result(&mut conn)
        .await
        .map_err(|e| DatabaseError::Connect(e.to_string()))?;
    if !exists.exists {
        let quoted = name.replace('"', "\"\"");
        match conn.batch_execute(&format!("CREATE DATABASE \"{quoted}\"")).await {
            Ok(()) => tracing::info!(database = %name, "created the database"),
            // Another process may have created it between the check and the create.
            Err(e) if e.to_string().contains("already exists") => {}
            Err(e) => return Err(DatabaseError::Create(name, e.to_string())),
        }
    }
    Ok(())
}

/// Applies every pending migration, serialised across processes by an advisory lock.
pub async fn run_migrations(url: &str) -> Result<usize, DatabaseError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(&url)
            .map_err(|e| DatabaseError::Connect(e.to_string()))?;
        diesel::RunQueryDsl::execute(sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")), &mut conn)
            .map_err(|e| DatabaseError::Migrate(e.to_string()))?;
        let applied =
            conn.run_pending_migrations(MIGRATIONS).map(|v| v.len()).map_err(|e| DatabaseError::Migrate(e.to_string()));
        let unlocked = diesel::RunQueryDsl::execute(
            sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")),
            &mut conn,
        );
        let applied = applied?;
        unlocked.map_err(|e| DatabaseError::Migrate(e.to_string()))?;
        Ok(applied)
    })
    .await
    .map_err(|e| DatabaseError::Migrate(e.to_string()))?
}

/// How long a caller waits for a pooled connection unless told otherwise.
pub const DEFAULT_POOL_WAIT: Duration = Duration::from_secs(3);

/// [`connect_waiting`] with [`DEFAULT_POOL_WAIT`].
pub async fn connect(url: &str, max_connections: usize) -> Result<PgPool, DatabaseError> {
    connect_waiting(url, max_connections, DEFAULT_POOL_WAIT).await
}

/// Ensures the database exists, migrates it and returns a pool of `max_connections`, whose callers
/// wait at most `wait` for a connection (then `RepoError::Unavailable`, answered 503).
pub async fn connect_waiting(url: &str, max_connections: usize, wait: Duration) -> Result<PgPool, DatabaseError> {
    ensure_database(url).await?;
    let applied = run_migrations(url).await?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    // `Fast`: a pooled connection is reused unless it is closed or left in a transaction, without the
    // `SELECT 1` round trip `Verified` adds to every checkout (two per API write: token, then work).
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(max_connections)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(wait))
        // A connection that cannot be opened or checked within the same time is an outage, not a wait.
        .create_timeout(Some(wait.max(Duration::from_secs(5))))
        .recycle_timeout(Some(wait.max(Duration::from_secs(5))))
        .build()
        .map_err(|e| DatabaseError::Pool(e.to_string()))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Readiness of the database: reachable through the pool, with every migration applied.
pub struct DatabaseReadiness {
    pool: PgPool,
}

impl DatabaseReadiness {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl ReadinessCheck for DatabaseReadiness {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> Result<(), NotReady> {
        #[derive(diesel::QueryableByName)]
        struct Applied {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            applied: i64,
        }
        let mut conn = self.pool.get().await.map_err(|e| NotReady::new(format!("no connection: {e}")))?;
        let row: Applied = sql_query("SELECT count(*) AS applied FROM __diesel_schema_migrations")
            .get_result(&mut *conn)
            .await
            .map_err(|e| NotReady::new(format!("query failed: {e}")))?;
        let expected = diesel::migration::MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
            .map_err(|e| NotReady::new(format!("embedded migrations: {e}")))?
            .len();
        if usize::try_from(row.applied).unwrap_or(0) < expected {
            return Err(NotReady::new(format!("{} of {expected} migrations applied", row.applied)));
        }
        Ok(())
    }
}
