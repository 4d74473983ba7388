//! The OpenFeature manifest: every flag of an organization with its key, type and default value,
//! as OpenFeature providers read it (`GET /api/openfeature/v0/manifest`).

use crate::feature_flag::{FeatureFlag, FlagType};
use crate::feature_flag_rules;
use serde_json::Value;

/// The most flags a manifest lists; an organization with more gets its newest ones.
pub const MAX_MANIFEST_FLAGS: usize = 5_000;

impl FeatureFlag {
    /// This flag's entry in the OpenFeature manifest.
    pub fn manifest_entry(&self) -> ManifestFlag {
        let order: Vec<&str> = self.variants.iter().map(|v| v.name.as_str()).collect();
        let main = feature_flag_rules::main_variant(&self.default_serving, &order);
        let default_value = self.variants.iter().find(|v| v.name == main).map_or(Value::Null, |v| v.value.clone());
        ManifestFlag {
            key: self.slug.to_string(),
            flag_type: self.flag_type,
            default_value,
            name: Some(self.name.clone()),
            description: self.description.clone(),
        }
    }
}

/// One flag of the OpenFeature manifest: its key (the slug), type and default value (the value of
/// the default variant; of a rollout, the variant it serves most).
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestFlag {
    pub key: String,
    pub flag_type: FlagType,
    pub default_value: Value,
    pub name: Option<String>,
    pub description: Option<String>,
}

/// `GET /api/openfeature/v0/manifest`.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub flags: Vec<ManifestFlag>,
}
