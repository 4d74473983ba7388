//! The OpenFeature manifest of the caller's feature flags.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::unit_of_work::Repositories;
use kaiten_domain::feature_flag::FeatureFlag;
use kaiten_domain::openfeature::{MAX_MANIFEST_FLAGS, Manifest};
use kaiten_domain::page::MAX_LIMIT;
use kaiten_domain::{Access, Module, Page};

pub struct FeatureFlagManifest {
    repos: Repositories,
}

impl FeatureFlagManifest {
    pub fn new(repos: Repositories) -> Self {
        Self { repos }
    }

    /// Every flag's manifest entry (at most [`MAX_MANIFEST_FLAGS`], the newest), read a page at a time.
    pub async fn execute(&self, caller: &Caller) -> Result<Manifest, UseCaseError> {
        caller.require(Access::Read, Module::FeatureFlags)?;
        let mut flags = Vec::new();
        let mut cursor = None;
        loop {
            let page = Page::parse(Some(MAX_LIMIT), None, cursor.as_deref())?;
            let paged = self.repos.feature_flags.list(caller.organization_id, page).await?;
            flags.extend(paged.items.iter().map(FeatureFlag::manifest_entry));
            match paged.next_cursor {
                Some(next) if paged.has_more && flags.len() < MAX_MANIFEST_FLAGS => cursor = Some(next),
                _ => break,
            }
        }
        flags.truncate(MAX_MANIFEST_FLAGS);
        Ok(Manifest { flags })
    }
}
