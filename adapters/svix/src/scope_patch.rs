//! The channels of an endpoint after an update that changes its scope (see `channels`).

use crate::channels::{MAX_ENDPOINT_CHANNELS, endpoint_channels, own_channel, scope_of};
use crate::management::SvixWebhookManagement;
use crate::svix_errors::found;
use kaiten_application::error::RepoError;
use kaiten_domain::webhook::EndpointPatch;
use std::collections::BTreeSet;

impl SvixWebhookManagement {
    /// The channels after `patch` (`None`: unchanged): the patch may change the customers or the
    /// organization events alone, so the other half is read from the endpoint; its own channel
    /// (`endpoint.<id>`, on which operational messages reach it and are retried) is kept.
    pub(crate) async fn patched_channels(
        &self,
        app: &str,
        id: &str,
        patch: &EndpointPatch,
    ) -> Result<Option<Option<BTreeSet<String>>>, RepoError> {
        if patch.customers.is_none() && patch.include_organization_events.is_none() {
            return Ok(None);
        }
        let current = found(self.svix.endpoint().get(app.to_owned(), id.to_owned()).await)?;
        let current = current.ok_or(RepoError::NotFound)?.channels.unwrap_or_default();
        let mut scope = scope_of(Some(&current));
        if let Some(customers) = &patch.customers {
            scope.customers = customers.clone();
        }
        if let Some(include) = patch.include_organization_events {
            scope.include_organization_events = include;
        }
        let mut channels = endpoint_channels(&scope)?;
        let own = own_channel(id);
        if let Some(channels) = channels.as_mut().filter(|channels| channels.len() < MAX_ENDPOINT_CHANNELS)
            && current.contains(&own)
        {
            channels.insert(own);
        }
        Ok(Some(channels))
    }
}
