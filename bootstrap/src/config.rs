//! Configuration: defaults that work on a development machine, overridden by an optional TOML file,
//! overridden by `KAITEN_*` environment variables; validated before anything starts.

use anyhow::bail;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kaiten_application::use_cases::manage_webhooks::WebhookLimits;
use kaiten_delivery::DeliverySettings;
use kaiten_rabbitmq::{Broker, QueueType, Topology};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

pub use crate::config_values::Role;
use crate::config_values::{bounded, checked_delays, days, spelled, time_delta};

/// Secrets (`svix_api_key`, `svix_operational_webhook_secret`, `dapr_api_token`) are `SecretString`s:
/// never printed by `Debug` and never serialized; they are exposed only where they are handed to the
/// client that sends or checks them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// HTTP port; 0 picks a free one (logged).
    pub port: u16,
    pub bind: IpAddr,
    /// Serve health, readiness and `/metrics` on this port (for any roles; the only HTTP port of a
    /// process without the API role).
    pub ops_port: Option<u16>,
    pub database_url: String,
    /// Connections in the pool.
    pub database_max_connections: usize,
    /// The broker: one `amqp://` URL, or the nodes of a cluster, comma-separated (tried in order).
    pub amqp_url: String,
    /// `classic` (one node) or `quorum` (a cluster): the type of every queue declared.
    pub queue_type: QueueType,
    pub exchange: String,
    pub queue: String,
    pub slot: String,
    /// The roles to run (comma-separated in the file and the environment, e.g. `api,relay`).
    #[serde(with = "crate::config_values::role_set")]
    pub roles: BTreeSet<Role>,
    /// `pretty` or `json`.
    pub log_format: String,
    /// Outbox rows older than this are pruned (`7d`, `36h`, …).
    #[serde(with = "humantime_serde")]
    pub outbox_retention: Duration,
    /// Instance audit-trail entries older than this are pruned.
    #[serde(with = "humantime_serde")]
    pub audit_trail_retention: Duration,
    /// Messages the worker handles at once (its prefetch).
    pub worker_prefetch: u16,
    /// Messages waiting in the work queue at most: at this many the relay reads no further until the
    /// workers take some, and the backlog stays in the WAL instead of the broker's memory. `0`: no
    /// bound, for a deployment in which no Kaiten worker consumes the work queue (a Dapr sidecar).
    pub relay_max_backlog: u64,
    /// Delays of the worker's retries of a message whose hand-over failed (comma-separated); after the
    /// last the message is dead-lettered. A dependency being down spends none of them.
    #[serde(with = "crate::config_values::duration_list")]
    pub worker_retry_delays: Vec<Duration>,
    /// Svix API key (`SVIX_API_KEY`): when set, Svix delivers the webhooks.
    #[serde(skip_serializing)]
    pub svix_api_key: Option<SecretString>,
    /// A self-hosted svix-server (`SVIX_SERVER_URL`).
    pub svix_server_url: Option<String>,
    /// The signing secret (`whsec_…`) of the endpoint Svix sends its operational webhooks to
    /// (`SVIX_OPERATIONAL_WEBHOOK_SECRET`): when set, `POST /api/svix/operational-webhooks` takes them.
    #[serde(skip_serializing)]
    pub svix_operational_webhook_secret: Option<SecretString>,
    /// Built-in engine: allow http and loopback/private endpoint addresses (development, tests).
    pub webhooks_allow_private: bool,
    /// Built-in engine: delays before attempts 2, 3, … (comma-separated, ±20 % jitter applied).
    #[serde(with = "crate::config_values::duration_list")]
    pub webhooks_retry_schedule: Vec<Duration>,
    /// Built-in engine: requests in flight to one endpoint at most, per process.
    pub webhooks_endpoint_concurrency: usize,
    /// Built-in engine: an endpoint failing for this long is disabled.
    #[serde(with = "humantime_serde")]
    pub webhooks_disable_after: Duration,
    /// Built-in engine: how long one delivery attempt may take (connect, send, read the answer).
    #[serde(with = "humantime_serde")]
    pub webhooks_request_timeout: Duration,
    /// Built-in engine: webhook messages (and their attempts) older than this are pruned.
    #[serde(with = "humantime_serde")]
    pub webhooks_retention: Duration,
    /// Webhook endpoints per organization.
    pub webhooks_max_endpoints: usize,
    /// Resends of one message per minute.
    pub webhooks_resends_per_minute: u32,
    /// Built-in engine: webhook requests in flight at once in this process (more wait their turn).
    pub webhooks_max_in_flight: usize,
    /// HTTP: how long a client has to send a request's headers (and an idle connection stays open).
    #[serde(with = "humantime_serde")]
    pub http_header_read_timeout: Duration,
    /// HTTP: how long a whole request may take (408 past it).
    #[serde(with = "humantime_serde")]
    pub http_request_timeout: Duration,
    /// HTTP: connections open at once (more wait in the listen backlog).
    pub http_max_connections: usize,
    /// HTTP: requests handled at once (more are answered 503 with `Retry-After`).
    pub http_max_requests_in_flight: usize,
    /// HTTP: after SIGTERM, how long requests in flight may still take before their connections close.
    #[serde(with = "humantime_serde")]
    pub http_shutdown_timeout: Duration,
    /// How long a request waits for a database connection when the pool is exhausted (503 past it).
    #[serde(with = "humantime_serde")]
    pub database_pool_timeout: Duration,
    /// Serve `/metrics` on the API's port too (otherwise only on `KAITEN_OPS_PORT`).
    pub metrics_public: bool,
    /// Enables the Dapr ingress (`/dapr/subscribe`, `/events`); the sidecar's `APP_API_TOKEN`, which
    /// every request must carry in `dapr-api-token`.
    #[serde(skip_serializing)]
    pub dapr_api_token: Option<SecretString>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 6060,
            bind: IpAddr::from([127, 0, 0, 1]),
            ops_port: None,
            database_url: "postgres://postgres@127.0.0.1:5432/kaiten".into(),
            database_max_connections: 32,
            amqp_url: "amqp://guest:guest@127.0.0.1:5672/%2f".into(),
            queue_type: QueueType::Classic,
            exchange: "kaiten.events".into(),
            queue: "kaiten-webhooks-kaiten.events".into(),
            slot: "kaiten_outbox".into(),
            roles: BTreeSet::from([Role::Api, Role::Relay, Role::Worker]),
            log_format: "pretty".into(),
            outbox_retention: days(7),
            audit_trail_retention: days(365),
            // 128 rather than 64: deliveries to ten endpoints went from 4.6–4.7 to 5.5–6.3 times the
            // events per second at one, at ≈ 10 MiB more resident memory (BENCHMARKS.md, 2026-12-06).
            worker_prefetch: 128,
            relay_max_backlog: kaiten_cdc::DEFAULT_MAX_BACKLOG,
            worker_retry_delays: [1, 5, 30, 120, 600, 1800, 3600, 7200].map(Duration::from_secs).to_vec(),
            svix_api_key: None,
            svix_server_url: None,
            svix_operational_webhook_secret: None,
            webhooks_allow_private: false,
            webhooks_retry_schedule: kaiten_delivery::SVIX_RETRY_SCHEDULE.to_vec(),
            webhooks_endpoint_concurrency: 16,
            webhooks_disable_after: days(5),
            webhooks_request_timeout: Duration::from_secs(15),
            webhooks_retention: days(90),
            webhooks_max_endpoints: 50,
            webhooks_resends_per_minute: 5,
            webhooks_max_in_flight: 256,
            http_header_read_timeout: Duration::from_secs(10),
            http_request_timeout: Duration::from_secs(30),
            http_max_connections: 1024,
            http_max_requests_in_flight: 256,
            http_shutdown_timeout: Duration::from_secs(10),
            database_pool_timeout: Duration::from_secs(3),
            metrics_public: true,
            dapr_api_token: None,
        }
    }
}

impl Config {
    /// Defaults, then `file` (when given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                bail!("the configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        let config: Config = figment
            .merge(Env::prefixed("KAITEN_").ignore(&["CONFIG"]))
            .merge(Env::raw().only(&["SVIX_API_KEY", "SVIX_SERVER_URL", "SVIX_OPERATIONAL_WEBHOOK_SECRET"]))
            .extract()
            // figment's message names the key and where its value came from; the variable is added.
            .map_err(|error| {
                let key = error.path.last().map(|key| format!(" (KAITEN_{})", key.to_uppercase()));
                anyhow::anyhow!("invalid configuration{}: {error}", key.unwrap_or_default())
            })?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if self.svix_operational_webhook_secret.is_some() && self.svix_api_key.is_none() {
            bail!("SVIX_OPERATIONAL_WEBHOOK_SECRET is for the Svix backend: set SVIX_API_KEY too");
        }
        if !self.database_url.starts_with("postgres://") && !self.database_url.starts_with("postgresql://") {
            bail!("database_url (KAITEN_DATABASE_URL) must be a postgres:// URL");
        }
        if !(1..=1000).contains(&self.database_max_connections) {
            bail!("database_max_connections (KAITEN_DATABASE_MAX_CONNECTIONS) must be between 1 and 1000");
        }
        self.broker()?;
        for (key, value) in [("exchange", &self.exchange), ("queue", &self.queue), ("slot", &self.slot)] {
            // AMQP names are short strings: at most 255 bytes (the dead-letter name adds 4).
            if value.trim().is_empty() || value.len() > 250 {
                bail!("{key} (KAITEN_{}) must be 1 to 250 characters", key.to_uppercase());
            }
        }
        if !self.slot.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            bail!("slot (KAITEN_SLOT) may contain only lowercase letters, digits and underscores");
        }
        if !matches!(self.log_format.as_str(), "pretty" | "json") {
            bail!("log_format (KAITEN_LOG_FORMAT) must be `pretty` or `json`, not `{}`", self.log_format);
        }
        self.outbox_retention()?;
        self.audit_trail_retention()?;
        if self.worker_prefetch == 0 {
            bail!("worker_prefetch (KAITEN_WORKER_PREFETCH) must be at least 1");
        }
        if self.roles.is_empty() {
            bail!("roles (KAITEN_ROLES) must name at least one role");
        }
        self.worker_retry_delays()?;
        self.delivery_settings()?;
        self.webhooks_retention()?;
        self.server_limits()?;
        self.webhook_limits()?;
        if !(1..=10_000).contains(&self.webhooks_max_in_flight) {
            bail!("webhooks_max_in_flight (KAITEN_WEBHOOKS_MAX_IN_FLIGHT) must be between 1 and 10000");
        }
        self.pool_timeout()?;
        if self.dapr_api_token.as_ref().is_some_and(|token| token.expose_secret().len() < 16) {
            bail!("dapr_api_token (KAITEN_DAPR_API_TOKEN) must be at least 16 characters");
        }
        Ok(())
    }

    /// The broker's nodes (`amqp://` or `amqps://` URLs, comma-separated).
    pub fn broker(&self) -> anyhow::Result<Broker> {
        Broker::parse(&self.amqp_url).map_err(|error| anyhow::anyhow!("amqp_url (KAITEN_AMQP_URL): {error}"))
    }

    /// The names and queue type of the work queue's topology.
    pub fn topology(&self) -> anyhow::Result<Topology> {
        Ok(Topology::new(&self.exchange, &self.queue)
            .with_retry_delays(self.worker_retry_delays()?)
            .with_queue_type(self.queue_type))
    }

    /// The worker's retry delays.
    pub fn worker_retry_delays(&self) -> anyhow::Result<Vec<Duration>> {
        let delays = checked_delays("worker_retry_delays", &self.worker_retry_delays)?;
        if delays.is_empty() {
            bail!("worker_retry_delays (KAITEN_WORKER_RETRY_DELAYS) needs at least one delay");
        }
        Ok(delays)
    }

    /// The built-in engine's settings.
    pub fn delivery_settings(&self) -> anyhow::Result<DeliverySettings> {
        let schedule = checked_delays("webhooks_retry_schedule", &self.webhooks_retry_schedule)?;
        if !(1..=10_000).contains(&self.webhooks_endpoint_concurrency) {
            bail!("webhooks_endpoint_concurrency (KAITEN_WEBHOOKS_ENDPOINT_CONCURRENCY) must be between 1 and 10000");
        }
        let disable_after = bounded(
            "webhooks_disable_after",
            self.webhooks_disable_after,
            Duration::from_millis(1),
            Duration::from_secs(365 * 24 * 3600),
        )?;
        let request_timeout = bounded(
            "webhooks_request_timeout",
            self.webhooks_request_timeout,
            Duration::from_secs(1),
            Duration::from_secs(60),
        )?;
        Ok(DeliverySettings {
            retry_schedule: schedule,
            request_timeout,
            endpoint_concurrency: self.webhooks_endpoint_concurrency,
            disable_after,
            ..DeliverySettings::default()
        })
    }

    /// How long outbox rows are kept.
    pub fn outbox_retention(&self) -> anyhow::Result<chrono::TimeDelta> {
        let keep = time_delta("outbox_retention", self.outbox_retention)?;
        if keep < chrono::TimeDelta::hours(1) {
            bail!("outbox_retention (KAITEN_OUTBOX_RETENTION) must be at least 1h");
        }
        Ok(keep)
    }

    /// How long instance audit-trail entries are kept.
    pub fn audit_trail_retention(&self) -> anyhow::Result<chrono::TimeDelta> {
        let keep = time_delta("audit_trail_retention", self.audit_trail_retention)?;
        if keep < chrono::TimeDelta::days(1) {
            bail!("audit_trail_retention (KAITEN_AUDIT_TRAIL_RETENTION) must be at least 1d");
        }
        Ok(keep)
    }

    /// How long the built-in engine keeps webhook messages and their attempts: at least the whole
    /// retry schedule (with its jitter) and a day, so no message goes while a retry is pending, and,
    /// when the built-in engine delivers (no Svix), at least the outbox retention, so a replay of a
    /// stored event still finds its deliveries.
    pub fn webhooks_retention(&self) -> anyhow::Result<chrono::TimeDelta> {
        let keep = time_delta("webhooks_retention", self.webhooks_retention)?;
        let settings = self.delivery_settings()?;
        let schedule: std::time::Duration = settings.retry_schedule.iter().sum();
        let least = chrono::TimeDelta::from_std(schedule.mul_f64(1.0 + settings.jitter))? + chrono::TimeDelta::days(1);
        if keep < least {
            bail!(
                "webhooks_retention (KAITEN_WEBHOOKS_RETENTION) must outlast the retry schedule: at least {}",
                spelled(least.to_std()?)
            );
        }
        if self.svix_api_key.is_none() && keep < self.outbox_retention()? {
            bail!(
                "webhooks_retention (KAITEN_WEBHOOKS_RETENTION) must be at least the outbox retention \
                 (KAITEN_OUTBOX_RETENTION `{}`), or a replayed event would be delivered again: raise \
                 KAITEN_WEBHOOKS_RETENTION",
                spelled(self.outbox_retention)
            );
        }
        Ok(keep)
    }

    /// The relay's settings: its database and slot, and the work queue's backlog bound (`0`: none).
    pub fn relay(&self) -> kaiten_cdc::RelayConfig {
        kaiten_cdc::RelayConfig {
            max_backlog: (self.relay_max_backlog > 0).then_some(self.relay_max_backlog),
            ..kaiten_cdc::RelayConfig::new(&self.database_url, &self.slot)
        }
    }

    /// The HTTP server's limits.
    pub fn server_limits(&self) -> anyhow::Result<kaiten_http::ServerLimits> {
        if !(1..=1_000_000).contains(&self.http_max_connections) {
            bail!("http_max_connections (KAITEN_HTTP_MAX_CONNECTIONS) must be between 1 and 1000000");
        }
        if !(1..=1_000_000).contains(&self.http_max_requests_in_flight) {
            bail!("http_max_requests_in_flight (KAITEN_HTTP_MAX_REQUESTS_IN_FLIGHT) must be between 1 and 1000000");
        }
        let (second, hour) = (Duration::from_secs(1), Duration::from_secs(3600));
        Ok(kaiten_http::ServerLimits {
            header_read_timeout: bounded("http_header_read_timeout", self.http_header_read_timeout, second, hour)?,
            request_timeout: bounded("http_request_timeout", self.http_request_timeout, second, hour)?,
            max_connections: self.http_max_connections,
            max_requests_in_flight: self.http_max_requests_in_flight,
            shutdown_timeout: bounded("http_shutdown_timeout", self.http_shutdown_timeout, Duration::ZERO, hour)?,
        })
    }

    /// What the webhook API lets one organization use.
    pub fn webhook_limits(&self) -> anyhow::Result<WebhookLimits> {
        if !(1..=10_000).contains(&self.webhooks_max_endpoints) {
            bail!("webhooks_max_endpoints (KAITEN_WEBHOOKS_MAX_ENDPOINTS) must be between 1 and 10000");
        }
        if !(1..=1000).contains(&self.webhooks_resends_per_minute) {
            bail!("webhooks_resends_per_minute (KAITEN_WEBHOOKS_RESENDS_PER_MINUTE) must be between 1 and 1000");
        }
        Ok(WebhookLimits {
            max_endpoints: self.webhooks_max_endpoints,
            resends_per_minute: self.webhooks_resends_per_minute,
        })
    }

    /// How long a request waits for a pooled database connection.
    pub fn pool_timeout(&self) -> anyhow::Result<Duration> {
        bounded(
            "database_pool_timeout",
            self.database_pool_timeout,
            Duration::from_millis(10),
            Duration::from_secs(600),
        )
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
#[allow(clippy::result_large_err)] // figment's Jail closures return figment::Error
mod tests;
