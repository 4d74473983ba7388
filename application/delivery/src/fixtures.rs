//! Test fixtures of the delivery engine's unit tests.

use crate::ports::delivery::StoredEndpoint;
use uuid::Uuid;

/// An enabled endpoint at `url` subscribed to every event, without headers, pause or rate limit.
pub(crate) fn endpoint(url: &str) -> StoredEndpoint {
    StoredEndpoint {
        id: Uuid::now_v7(),
        organization_id: Uuid::now_v7(),
        url: url.into(),
        description: String::new(),
        events: vec![],
        scope: Default::default(),
        disabled: false,
        secret: "whsec_c2VjcmV0".into(),
        previous_secret: None,
        headers: vec![],
        paused_until: None,
        rate_limit: None,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    }
}
