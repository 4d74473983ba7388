//! Secret rotation on Svix. Svix keeps the previous secret valid for a fixed grace period of 24 hours,
//! which its API does not let a caller change: any other overlap is refused (409
//! `not_supported_by_backend`) before anything is rotated. Svix Cloud answers the rotation with the new
//! secret, a self-hosted svix-server with an empty 204: either way the secret is read afterwards.

use crate::management::SvixWebhookManagement;
use crate::mapping::is_plausible_id;
use crate::svix_errors::{answered_without_body, found, is_not_found, repo_error};
use kaiten_application::error::{Conflict, RepoError};
use kaiten_domain::webhook::WebhookEndpoint;
use kaiten_domain::webhook_secret_rotation::SecretRotation;
use svix::models::EndpointSecretRotateIn;

impl SvixWebhookManagement {
    pub(crate) async fn rotate_endpoint_secret(
        &self,
        app: &str,
        id: &str,
        rotation: SecretRotation,
    ) -> Result<Option<WebhookEndpoint>, RepoError> {
        if !is_plausible_id(id) {
            return Ok(None);
        }
        if rotation.overlap != SecretRotation::DEFAULT_OVERLAP {
            return Err(RepoError::Conflict(Conflict::new(
                "not_supported_by_backend",
                "Svix keeps the previous secret for 24 hours, whatever is asked: rotate without `overlapSeconds` or with 86400",
            )));
        }
        let app = app.to_owned();
        let endpoints_api = self.svix.endpoint();
        match endpoints_api.rotate_secret(app.clone(), id.to_owned(), EndpointSecretRotateIn::new(), None).await {
            Ok(_) => {}
            Err(error) if answered_without_body(&error) => {}
            Err(error) if is_not_found(&error) => return Ok(None),
            Err(error) => return Err(repo_error(&error)),
        }
        match found(self.svix.endpoint().get(app.clone(), id.to_owned()).await)? {
            Some(endpoint) => self.with_secret(&app, endpoint).await,
            None => Ok(None),
        }
    }
}
