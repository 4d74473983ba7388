//! Small serde adapters: the contract's request bodies parse with them, and stored flag variants
//! read a missing description with `null_as_default`.

use serde::{Deserialize, Deserializer};

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`, with `#[serde(default)]`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Reads an explicit `null` as the type's default (with `#[serde(default)]`, an absent field too).
pub fn null_as_default<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Deserialize<'de> + Default,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
