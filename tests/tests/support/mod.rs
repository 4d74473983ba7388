//! The composed application on a free port, with its own database, and helpers to call it.

#![allow(dead_code)]

pub mod proxy;
pub mod receiver;
pub mod relay;
pub mod sdk;
pub mod svix;
pub mod webhooks;
pub mod worker;

use diesel::QueryableByName;
use kaiten::Config;
use kaiten_application::UseCases;
use kaiten_application::ports::webhooks::WebhookSender;
use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub struct TestApp {
    shutdown: Option<oneshot::Sender<()>>,
    /// The app's task and any second worker's: the broker's queues are deleted once all have stopped
    /// (a worker still stopping may publish a delivery task, declaring its queues again).
    running: std::sync::Mutex<Vec<JoinHandle<anyhow::Result<()>>>>,
    broker: Option<BrokerCleanup>,
    pub names: TestNames,
    pub base_url: String,
    /// The operations port, when the test configured `ops_port`.
    pub ops_base_url: Option<String>,
    pub client: Client,
    pub use_cases: Arc<UseCases>,
    pub db: TestDatabase,
}

/// An organization and its `write:*` token.
pub struct Tenant {
    pub id: Uuid,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct OutboxRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub event_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub event_type: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub organization_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub data: Value,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub traceparent: Option<String>,
}

impl TestApp {
    /// The API alone, on its own database.
    pub async fn spawn() -> anyhow::Result<Self> {
        Self::spawn_with("api", None).await
    }

    /// The whole pipeline in one process (API, relay, worker) handing events to `sender`.
    pub async fn spawn_pipeline(sender: Arc<dyn WebhookSender>) -> anyhow::Result<Self> {
        Self::spawn_with("api,relay,worker", Some(sender)).await
    }

    pub async fn spawn_with(roles: &str, sender: Option<Arc<dyn WebhookSender>>) -> anyhow::Result<Self> {
        Self::spawn_configured(roles, sender, |_| {}).await
    }

    /// The whole pipeline delivering through the built-in engine to loopback receivers, retrying on
    /// the fast test schedule.
    pub async fn spawn_delivering(configure: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        Self::spawn_configured("api,relay,worker", None, |config| {
            config.webhooks_allow_private = true;
            config.webhooks_retry_schedule = kaiten_test_support::TEST_RETRY_SCHEDULE.into();
            config.worker_retry_delays = kaiten_test_support::TEST_WORKER_RETRY_DELAYS.into();
            configure(config);
        })
        .await
    }

    pub async fn spawn_configured(
        roles: &str,
        sender: Option<Arc<dyn WebhookSender>>,
        configure: impl FnOnce(&mut Config),
    ) -> anyhow::Result<Self> {
        kaiten::telemetry::init_for_tests();
        let db = TestDatabase::new();
        let names = TestNames::new();
        // Every role may declare queues: the API's test sends publish delivery tasks too.
        let broker = Some(BrokerCleanup::for_names(&names));
        let mut config = Config {
            port: 0,
            database_url: db.url.clone(),
            database_max_connections: 8,
            roles: role_set(roles),
            slot: names.slot.clone(),
            exchange: names.exchange.clone(),
            queue: names.queue.clone(),
            ..Config::default()
        };
        configure(&mut config);
        let app = kaiten::app::build_with_sender(config, sender).await?;
        let listener = app.bind().await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let use_cases = app.use_cases.clone();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let ops = match app.config.ops_port {
            Some(port) => Some(app.bind_port(port).await?),
            None => None,
        };
        let ops_base_url = match &ops {
            Some(listener) => Some(format!("http://{}", listener.local_addr()?)),
            None => None,
        };
        let listeners = kaiten::app::Listeners { api: Some(listener), ops };
        let running = tokio::spawn(app.run(listeners, async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            shutdown: Some(shutdown),
            running: std::sync::Mutex::new(vec![running]),
            broker,
            names,
            base_url,
            ops_base_url,
            client: Client::new(),
            use_cases,
            db,
        })
    }

    /// A second worker (queue consumer and built-in engine, with its own pools) on this app's
    /// database and queues, configured like `spawn_delivering`'s; it stops when the sender is dropped.
    pub async fn spawn_second_worker(
        &self,
        configure: impl FnOnce(&mut Config),
    ) -> anyhow::Result<oneshot::Sender<()>> {
        let mut config = Config {
            port: 0,
            database_url: self.db.url.clone(),
            database_max_connections: 8,
            roles: role_set("worker"),
            slot: self.names.slot.clone(),
            exchange: self.names.exchange.clone(),
            queue: self.names.queue.clone(),
            webhooks_allow_private: true,
            webhooks_retry_schedule: kaiten_test_support::TEST_RETRY_SCHEDULE.into(),
            worker_retry_delays: kaiten_test_support::TEST_WORKER_RETRY_DELAYS.into(),
            ..Config::default()
        };
        configure(&mut config);
        let app = kaiten::app::build_with_sender(config, None).await?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let listeners = kaiten::app::Listeners { api: None, ops: None };
        let running = tokio::spawn(app.run(listeners, async move {
            let _ = stopped.await;
        }));
        self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(running);
        Ok(shutdown)
    }

    pub async fn tenant(&self, name: &str) -> anyhow::Result<Tenant> {
        let created = self.use_cases.create_organization.execute(name).await?;
        Ok(Tenant { id: created.organization.id, token: created.token })
    }

    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base_url)).bearer_auth(token)
    }

    /// Sends a JSON body and returns the status and the parsed body (Null when empty).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = self.request(method, path, token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? };
        Ok((status, value))
    }

    pub async fn outbox(&self) -> anyhow::Result<Vec<OutboxRow>> {
        use diesel_async::RunQueryDsl;
        let mut conn = self.db.connect().await?;
        let rows = diesel::sql_query(
            "SELECT id, event_name, event_type, organization_id, data, headers ->> 'traceparent' AS traceparent \
             FROM outbox_events ORDER BY occurred_at, id",
        )
        .load(&mut conn)
        .await?;
        Ok(rows)
    }

    /// Runs one or more SQL statements on the test database.
    pub async fn execute_sql(&self, sql: &str) -> anyhow::Result<()> {
        use diesel_async::SimpleAsyncConnection;
        let mut conn = self.db.connect().await?;
        conn.batch_execute(sql).await?;
        Ok(())
    }
}

/// The roles named in `roles` (`api,relay,worker`).
fn role_set(roles: &str) -> std::collections::BTreeSet<kaiten::config::Role> {
    use kaiten::config::Role;
    let known = [("api", Role::Api), ("relay", Role::Relay), ("worker", Role::Worker)];
    roles
        .split(',')
        .filter_map(|name| known.iter().find(|(known, _)| *known == name.trim()).map(|(_, role)| *role))
        .collect()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let running = std::mem::take(self.running.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner));
        let Some(broker) = self.broker.take() else { return };
        // Within the test's runtime, the queues go once every worker has stopped, or when the runtime
        // drops this task at the end of the test (nothing runs then to declare them again).
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for task in running {
                    let _ = task.await;
                }
                drop(broker);
            });
        }
    }
}
