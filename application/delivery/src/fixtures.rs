//! Test fixtures of the delivery engine's unit tests.

use crate::endpoint::{EndpointId, SigningSecret, WebhookUrl};
use crate::ports::delivery::Endpoint;
use uuid::Uuid;

/// An enabled endpoint at `url` subscribed to every event, without headers, pause or rate limit.
pub(crate) fn endpoint(url: &str) -> Endpoint {
    Endpoint {
        id: EndpointId::new(Uuid::now_v7()),
        organization_id: Uuid::now_v7(),
        url: WebhookUrl::stored(url.to_owned()),
        description: String::new(),
        events: vec![],
        scope: Default::default(),
        disabled: false,
        secret: SigningSecret::new("whsec_c2VjcmV0".to_owned()),
        previous_secret: None,
        headers: vec![],
        paused_until: None,
        rate_limit: None,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    }
}
