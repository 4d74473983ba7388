//! Small serde adapters the request bodies need.

use serde::{Deserialize, Deserializer};

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`, with `#[serde(default)]`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
