//! `WEBHOOK_ENDPOINT_ENABLED` and `WEBHOOK_ENDPOINT_DISABLED` (reason `manual`) on Svix: an update
//! through the API that changes `disabled` is reported once Svix has applied it. Svix's change and
//! the event cannot share a transaction: when the event cannot be written the update answers an
//! error although Svix applied it. Endpoints disabled or enabled in Svix's own tools are not seen.

use crate::management::SvixWebhookManagement;
use crate::svix_errors::found;
use chrono::{DateTime, Utc};
use kaiten_application::error::RepoError;
use kaiten_contract::operational::{DisableReason, EndpointDisabled, EndpointEnabled};
use kaiten_domain::webhook::EndpointPatch;
use kaiten_domain::{EventKind, OutboxEvent};
use svix::models::EndpointOut;
use uuid::Uuid;

/// The event reporting that `endpoint` went from `was_disabled` to its state now, if it changed.
pub(crate) fn state_change(
    organization_id: Uuid,
    was_disabled: bool,
    endpoint: &EndpointOut,
) -> Option<Result<OutboxEvent, serde_json::Error>> {
    let disabled = endpoint.disabled.unwrap_or(false);
    if disabled == was_disabled {
        return None;
    }
    let at: DateTime<Utc> = endpoint.updated_at;
    let (endpoint_id, url) = (endpoint.id.clone(), endpoint.url.clone());
    Some(if disabled {
        let data =
            EndpointDisabled { endpoint_id, url, reason: DisableReason::Manual, failing_since: None, disabled_at: at };
        OutboxEvent::of(EventKind::WebhookEndpointDisabled, organization_id, &data, None)
    } else {
        let data = EndpointEnabled { endpoint_id, url, enabled_at: at };
        OutboxEvent::of(EventKind::WebhookEndpointEnabled, organization_id, &data, None)
    })
}

impl SvixWebhookManagement {
    /// Whether the endpoint is disabled before an update that sets `disabled` (`None` when the
    /// update does not, or nothing is reported).
    pub(crate) async fn disabled_before(
        &self,
        app: &str,
        id: &str,
        patch: &EndpointPatch,
    ) -> Result<Option<bool>, RepoError> {
        if patch.disabled.is_none() || self.operational_log.is_none() {
            return Ok(None);
        }
        let current = found(self.svix.endpoint().get(app.to_owned(), id.to_owned()).await)?;
        Ok(current.map(|endpoint| endpoint.disabled.unwrap_or(false)))
    }

    pub(crate) async fn report_state_change(
        &self,
        organization_id: Uuid,
        was_disabled: Option<bool>,
        endpoint: &EndpointOut,
    ) -> Result<(), RepoError> {
        let (Some(log), Some(was_disabled)) = (&self.operational_log, was_disabled) else { return Ok(()) };
        match state_change(organization_id, was_disabled, endpoint) {
            Some(event) => {
                let event = event.map_err(|error| RepoError::Unexpected(error.to_string()))?;
                log.record(&event).await.map(|_| ())
            }
            None => Ok(()),
        }
    }
}
