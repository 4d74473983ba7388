//! Shared test harness: every test gets its own PostgreSQL database (created, migrated by the code
//! under test, and dropped afterwards), so tests run in parallel and leave nothing behind.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use std::time::Duration;

/// The server every test database lives on.
pub fn server_url() -> String {
    std::env::var("KAITEN_TEST_DATABASE_SERVER").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of one test, dropped (with its connections) when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// Reserves a fresh, unique database name; the code under test creates it (as in production).
    pub fn new() -> Self {
        let name = format!("kaiten_test_{}", uuid::Uuid::new_v4().simple());
        let url = format!("{}/{name}", server_url());
        Self { name, url }
    }

    /// Creates the database and applies the SQL migrations of `migrations/` directly (for adapter
    /// tests that do not go through the application's own migration runner).
    pub async fn create_migrated(&self) -> anyhow::Result<()> {
        self.create_migrated_before("~").await
    }

    /// Creates the database with the migrations whose directory names sort before `first_pending`
    /// (`2026-12-02-000008`, say): the schema of an earlier build, to test an upgrade.
    pub async fn create_migrated_before(&self, first_pending: &str) -> anyhow::Result<()> {
        let mut admin = AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await?;
        admin.batch_execute(&format!("CREATE DATABASE \"{}\"", self.name)).await?;
        self.apply_migrations(|name| name < first_pending).await
    }

    /// Applies the remaining migrations (from `first_pending` on) to a database made by
    /// [`Self::create_migrated_before`].
    pub async fn migrate_from(&self, first_pending: &str) -> anyhow::Result<()> {
        self.apply_migrations(|name| name >= first_pending).await
    }

    async fn apply_migrations(&self, wanted: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let mut migrations: Vec<_> = std::fs::read_dir(root)?.filter_map(Result::ok).map(|e| e.path()).collect();
        migrations.sort();
        let mut conn = self.connect().await?;
        for migration in migrations {
            if migration.file_name().and_then(|n| n.to_str()).is_some_and(&wanted) {
                conn.batch_execute(&std::fs::read_to_string(migration.join("up.sql"))?).await?;
            }
        }
        Ok(())
    }

    /// Drops the database now (with its slots and connections), e.g. to test an outage.
    pub async fn drop_now(&self) -> anyhow::Result<()> {
        drop_database(&format!("{}/postgres", server_url()), &self.name).await
    }

    /// A direct connection to this test's database, for assertions on what was stored.
    pub async fn connect(&self) -> anyhow::Result<AsyncPgConnection> {
        Ok(AsyncPgConnection::establish(&self.url).await?)
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = format!("{}/postgres", server_url());
        // Drop may run inside or outside a runtime: use a thread with its own small runtime.
        let result = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(drop_database(&admin, &name))
        })
        .join();
        if !matches!(result, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {result:?}", self.name);
        }
    }
}

/// Stops the streams of the database's logical slots, drops the slots (a leftover slot pins WAL and
/// blocks DROP DATABASE), then drops the database with its connections.
async fn drop_database(admin: &str, name: &str) -> anyhow::Result<()> {
    let conn = tokio::sync::Mutex::new(AsyncPgConnection::establish(admin).await?);
    // A terminated stream may hold its slot for a moment longer: retry until it lets go.
    wait_for(Duration::from_secs(20), || async {
        let mut conn = conn.lock().await;
        let attempt = async {
            conn.batch_execute(&format!(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '{name}' AND active_pid IS NOT NULL"
            ))
            .await?;
            conn.batch_execute(&format!("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{name}'"))
                .await?;
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await
        }
        .await;
        Ok(attempt.ok())
    })
    .await
}

/// Polls `check` until it returns `Some`, or fails after `deadline`.
pub async fn wait_for<T, F, Fut>(deadline: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let until = tokio::time::Instant::now() + deadline;
    let mut poll = tokio::time::interval(Duration::from_millis(20));
    loop {
        poll.tick().await;
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if tokio::time::Instant::now() >= until {
            anyhow::bail!("condition not met within {deadline:?}");
        }
    }
}

/// Unique names of one test's slot, exchange and queue.
#[derive(Debug, Clone)]
pub struct TestNames {
    pub slot: String,
    pub exchange: String,
    pub queue: String,
}

impl TestNames {
    pub fn new() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            slot: format!("kaiten_test_{id}"),
            exchange: format!("kaiten.test.{id}"),
            queue: format!("kaiten-test-{id}"),
        }
    }
}

impl Default for TestNames {
    fn default() -> Self {
        Self::new()
    }
}

/// The RabbitMQ every test uses.
pub fn amqp_url() -> String {
    std::env::var("KAITEN_TEST_AMQP_URL").unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// The delivery schedule tests configure (`KAITEN_WEBHOOKS_RETRY_SCHEDULE`).
pub const TEST_RETRY_SCHEDULE: [std::time::Duration; 3] = [std::time::Duration::from_millis(50); 3];
/// The worker's retry delays tests configure (`KAITEN_WORKER_RETRY_DELAYS`).
pub const TEST_WORKER_RETRY_DELAYS: [std::time::Duration; 3] = [
    std::time::Duration::from_millis(50),
    std::time::Duration::from_millis(100),
    std::time::Duration::from_millis(200),
];
/// Delays (ms) of every retry queue a test may declare: the defaults and the test ones.
const RETRY_DELAYS_MS: [u64; 11] =
    [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 50, 100, 200];
/// The rungs (ms) of the delivery scheduler's ladder: `kaiten_rabbitmq::LADDER` (a test checks they match).
pub const LADDER_MS: [u64; 9] = [250, 1_000, 4_000, 15_000, 60_000, 240_000, 900_000, 3_600_000, 14_400_000];

/// Deletes a test's exchanges and queues when dropped.
#[derive(Debug)]
pub struct BrokerCleanup {
    pub exchanges: Vec<String>,
    pub queues: Vec<String>,
}

impl BrokerCleanup {
    /// Everything the topology of `names` declares.
    pub fn for_names(names: &TestNames) -> Self {
        let dlq = format!("{}.dlq", names.exchange);
        let mut queues = vec![names.queue.clone(), dlq.clone()];
        // Retry queues of every delay a test may declare.
        queues.extend(RETRY_DELAYS_MS.iter().map(|ms| format!("{}.retry.{ms}", names.queue)));
        // The built-in engine's delivery tasks, with their retry queues and the scheduler's ladder.
        let (deliveries, deliveries_exchange) =
            (format!("{}.deliveries", names.queue), format!("{}.deliveries", names.exchange));
        let deliveries_dlq = format!("{deliveries_exchange}.dlq");
        queues.extend([deliveries.clone(), deliveries_dlq.clone()]);
        queues.extend(RETRY_DELAYS_MS.iter().map(|ms| format!("{deliveries}.retry.{ms}")));
        queues.extend(LADDER_MS.iter().map(|ms| format!("{deliveries}.ladder.{ms}")));
        Self { exchanges: vec![names.exchange.clone(), dlq, deliveries_exchange, deliveries_dlq], queues }
    }
}

impl Drop for BrokerCleanup {
    fn drop(&mut self) {
        let (exchanges, queues) = (self.exchanges.clone(), self.queues.clone());
        let result = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
                let connection =
                    lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default()).await?;
                let channel = connection.create_channel().await?;
                for queue in queues {
                    channel.queue_delete(queue.as_str().into(), QueueDeleteOptions::default()).await?;
                }
                for exchange in exchanges {
                    channel.exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default()).await?;
                }
                let _ = connection.close(200, "OK".into()).await;
                Ok(())
            })
        })
        .join();
        if !matches!(result, Ok(Ok(()))) {
            eprintln!("could not clean the broker up: {result:?}");
        }
    }
}

/// One message read back from a queue.
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    pub body: Vec<u8>,
    pub message_id: Option<String>,
    pub content_type: Option<String>,
    pub delivery_mode: Option<u8>,
    pub headers: std::collections::BTreeMap<String, String>,
}

impl ReceivedMessage {
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_slice(&self.body)?)
    }
}

/// Reads (and acks) messages from `queue` until `done` says enough, or fails at the deadline.
pub async fn read_queue(
    queue: &str,
    deadline: Duration,
    mut done: impl FnMut(&[ReceivedMessage]) -> bool,
) -> anyhow::Result<Vec<ReceivedMessage>> {
    use lapin::options::{BasicAckOptions, BasicGetOptions};
    let connection = lapin::Connection::connect(&amqp_url(), lapin::ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    let mut received = Vec::new();
    let until = tokio::time::Instant::now() + deadline;
    let mut poll = tokio::time::interval(Duration::from_millis(20));
    while !done(&received) {
        match channel.basic_get(queue.into(), BasicGetOptions::default()).await? {
            Some(message) => {
                let properties = &message.delivery.properties;
                let headers = properties
                    .headers()
                    .as_ref()
                    .map(|table| {
                        table
                            .inner()
                            .iter()
                            .filter_map(|(k, v)| match v {
                                lapin::types::AMQPValue::LongString(s) => {
                                    Some((k.to_string(), String::from_utf8_lossy(s.as_bytes()).into_owned()))
                                }
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                received.push(ReceivedMessage {
                    body: message.delivery.data.clone(),
                    message_id: properties.message_id().as_ref().map(|s| s.to_string()),
                    content_type: properties.content_type().as_ref().map(|s| s.to_string()),
                    delivery_mode: *properties.delivery_mode(),
                    headers,
                });
                message.ack(BasicAckOptions::default()).await?;
            }
            None => {
                if tokio::time::Instant::now() >= until {
                    anyhow::bail!("only {} messages arrived on {queue} within {deadline:?}", received.len());
                }
                poll.tick().await;
            }
        }
    }
    let _ = connection.close(200, "OK".into()).await;
    Ok(received)
}

/// A child process that is killed (and reaped) when dropped, so a failing test leaves no process
/// behind; killing one that already exited does nothing.
#[derive(Debug)]
pub struct KillOnDrop(pub std::process::Child);

impl std::ops::Deref for KillOnDrop {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
