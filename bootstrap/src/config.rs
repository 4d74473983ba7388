//! Configuration: defaults that work on a development machine, overridden by an optional TOML file,
//! overridden by `KAITEN_*` environment variables; validated before anything starts.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::Path;

/// What `kaiten serve` may run in one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The REST API.
    Api,
    /// The CDC relay: WAL → RabbitMQ.
    Relay,
    /// The webhooks worker: RabbitMQ → WebhookSender.
    Worker,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// HTTP port; 0 picks a free one (logged).
    pub port: u16,
    pub bind: IpAddr,
    pub database_url: String,
    /// Connections in the pool.
    pub database_max_connections: usize,
    pub amqp_url: String,
    pub exchange: String,
    pub queue: String,
    pub slot: String,
    /// Comma-separated roles, e.g. `api`.
    pub roles: String,
    /// `pretty` or `json`.
    pub log_format: String,
    /// Outbox rows older than this are pruned (`7d`, `36h`, …).
    pub outbox_retention: String,
    /// Messages the worker handles at once (its prefetch).
    pub worker_prefetch: u16,
    /// Svix API key (`SVIX_API_KEY`): when set, Svix delivers the webhooks.
    pub svix_api_key: Option<String>,
    /// A self-hosted svix-server (`SVIX_SERVER_URL`).
    pub svix_server_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 6060,
            bind: IpAddr::from([127, 0, 0, 1]),
            database_url: "postgres://postgres@127.0.0.1:5432/kaiten".into(),
            database_max_connections: 32,
            amqp_url: "amqp://guest:guest@127.0.0.1:5672/%2f".into(),
            exchange: "kaiten.events".into(),
            queue: "kaiten-webhooks-kaiten.events".into(),
            slot: "kaiten_outbox".into(),
            roles: "api,relay".into(),
            log_format: "pretty".into(),
            outbox_retention: "7d".into(),
            worker_prefetch: 64,
            svix_api_key: None,
            svix_server_url: None,
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
            .merge(Env::raw().only(&["SVIX_API_KEY", "SVIX_SERVER_URL"]))
            .extract()
            .context("invalid configuration")?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if !self.database_url.starts_with("postgres://") && !self.database_url.starts_with("postgresql://") {
            bail!("database_url (KAITEN_DATABASE_URL) must be a postgres:// URL");
        }
        if self.database_max_connections == 0 {
            bail!("database_max_connections (KAITEN_DATABASE_MAX_CONNECTIONS) must be at least 1");
        }
        if !self.amqp_url.starts_with("amqp://") && !self.amqp_url.starts_with("amqps://") {
            bail!("amqp_url (KAITEN_AMQP_URL) must be an amqp:// or amqps:// URL");
        }
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
        if self.worker_prefetch == 0 {
            bail!("worker_prefetch (KAITEN_WORKER_PREFETCH) must be at least 1");
        }
        if self.roles()?.contains(&Role::Worker) && self.svix_api_key.is_none() {
            bail!(
                "the worker role needs a webhook sender: set SVIX_API_KEY (and SVIX_SERVER_URL for a self-hosted \
                 svix-server); the built-in delivery engine is not part of this build yet"
            );
        }
        Ok(())
    }

    /// How long outbox rows are kept.
    pub fn outbox_retention(&self) -> anyhow::Result<chrono::TimeDelta> {
        let keep = humantime::parse_duration(&self.outbox_retention).map_err(|e| {
            anyhow::anyhow!("outbox_retention (KAITEN_OUTBOX_RETENTION) `{}`: {e}", self.outbox_retention)
        })?;
        let keep = chrono::TimeDelta::from_std(keep).map_err(|e| anyhow::anyhow!("outbox_retention: {e}"))?;
        if keep < chrono::TimeDelta::hours(1) {
            bail!("outbox_retention (KAITEN_OUTBOX_RETENTION) must be at least 1h");
        }
        Ok(keep)
    }

    /// The roles to run, parsed from `roles`.
    pub fn roles(&self) -> anyhow::Result<Vec<Role>> {
        let mut roles = Vec::new();
        for raw in self.roles.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            match raw {
                "api" => roles.push(Role::Api),
                "relay" => roles.push(Role::Relay),
                "worker" => roles.push(Role::Worker),
                other => bail!("roles (KAITEN_ROLES): unknown role `{other}` (known: api, relay, worker)"),
            }
        }
        if roles.is_empty() {
            bail!("roles (KAITEN_ROLES) must name at least one role");
        }
        Ok(roles)
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail closures return figment::Error
mod tests {
    use super::*;
    use figment::Jail;

    #[test]
    fn defaults_file_and_environment_layer_in_that_order() {
        Jail::expect_with(|jail| {
            jail.create_file("kaiten.toml", "port = 7000\nexchange = \"from-file\"\n")?;
            jail.set_env("KAITEN_PORT", "7100");
            let config = Config::load(Some(Path::new("kaiten.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(config.port, 7100);
            assert_eq!(config.exchange, "from-file");
            assert_eq!(config.queue, "kaiten-webhooks-kaiten.events");
            Ok(())
        });
    }

    #[test]
    fn invalid_values_are_refused_with_the_variable_named() {
        Jail::expect_with(|jail| {
            jail.set_env("KAITEN_LOG_FORMAT", "xml");
            let error = Config::load(None).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("KAITEN_LOG_FORMAT"), "{error}");
            jail.set_env("KAITEN_LOG_FORMAT", "json");
            jail.set_env("KAITEN_PORT", "not-a-port");
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_roles_are_refused() {
        Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "prot = 1\n")?;
            assert!(Config::load(Some(Path::new("typo.toml"))).is_err());
            jail.set_env("KAITEN_ROLES", "api,dancer");
            assert!(Config::load(None).is_err());
            Ok(())
        });
    }
}
