//! How the typed settings are spelt in the file and the environment — a duration as humantime writes
//! it (`humantime_serde`: `15s`, `7d`), a list of them and the roles comma-separated (`5s,5m,30m`,
//! `api,relay`; a TOML array works too) — and the bounds checks that name a setting's variable.

use anyhow::bail;
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::time::Duration;

/// What `kaiten serve` may run in one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The REST API.
    Api,
    /// The CDC relay: WAL → RabbitMQ.
    Relay,
    /// The webhooks worker: RabbitMQ → WebhookSender.
    Worker,
}

/// A comma-separated string, or a list.
#[derive(Deserialize)]
#[serde(untagged)]
enum Items {
    Joined(String),
    Listed(Vec<String>),
}

impl Items {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::Joined(text) => {
                text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
            }
            Self::Listed(items) => items,
        }
    }
}

pub(crate) mod duration_list {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(delays: &[Duration], serializer: S) -> Result<S::Ok, S::Error> {
        let items: Vec<String> = delays.iter().map(|delay| humantime::format_duration(*delay).to_string()).collect();
        serializer.serialize_str(&items.join(","))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Duration>, D::Error> {
        Items::deserialize(deserializer)?
            .into_vec()
            .iter()
            .map(|item| humantime::parse_duration(item).map_err(|e| D::Error::custom(format!("`{item}`: {e}"))))
            .collect()
    }
}

pub(crate) mod role_set {
    use super::*;
    use std::collections::BTreeSet;

    fn name(role: Role) -> &'static str {
        match role {
            Role::Api => "api",
            Role::Relay => "relay",
            Role::Worker => "worker",
        }
    }

    pub(crate) fn serialize<S: Serializer>(roles: &BTreeSet<Role>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&roles.iter().map(|role| name(*role)).collect::<Vec<_>>().join(","))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeSet<Role>, D::Error> {
        let known = [Role::Api, Role::Relay, Role::Worker];
        Items::deserialize(deserializer)?
            .into_vec()
            .iter()
            .map(|item| {
                known
                    .into_iter()
                    .find(|role| name(*role) == item)
                    .ok_or_else(|| D::Error::custom(format!("unknown role `{item}` (known: api, relay, worker)")))
            })
            .collect()
    }
}

/// `days` days.
pub(crate) fn days(days: u64) -> Duration {
    Duration::from_secs(days * 24 * 3600)
}

/// A duration as a user writes it: whole days as `90d`, anything else as humantime spells it.
pub(crate) fn spelled(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds > 0 && seconds.is_multiple_of(86_400) && duration.subsec_nanos() == 0 {
        format!("{}d", seconds / 86_400)
    } else {
        humantime::format_duration(duration).to_string()
    }
}

/// A list of at most 50 delays, each between 1 ms and 49 days.
pub(crate) fn checked_delays(key: &str, delays: &[Duration]) -> anyhow::Result<Vec<Duration>> {
    let variable = format!("KAITEN_{}", key.to_uppercase());
    if delays.len() > 50 {
        bail!("{key} ({variable}) has at most 50 steps");
    }
    if delays.iter().any(|step| step.is_zero() || step.as_millis() > u128::from(u32::MAX)) {
        bail!("{key} ({variable}): each delay must be between 1ms and 49 days");
    }
    Ok(delays.to_vec())
}

/// A duration setting between `least` and `most`, named in the error by its key and variable.
pub(crate) fn bounded(key: &str, value: Duration, least: Duration, most: Duration) -> anyhow::Result<Duration> {
    let variable = format!("KAITEN_{}", key.to_uppercase());
    if value < least || value > most {
        bail!("{key} ({variable}) `{}` must be between {} and {}", spelled(value), spelled(least), spelled(most));
    }
    Ok(value)
}

/// A retention (`7d`, `36h`, …) of at most ten years, named in the error by its key and variable.
pub(crate) fn time_delta(key: &str, value: Duration) -> anyhow::Result<chrono::TimeDelta> {
    let variable = format!("KAITEN_{}", key.to_uppercase());
    let value = bounded(key, value, Duration::ZERO, days(3650))?;
    chrono::TimeDelta::from_std(value).map_err(|e| anyhow::anyhow!("{key} ({variable}): {e}"))
}
