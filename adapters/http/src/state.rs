//! What every handler can reach: the use cases, the Dapr ingress when configured, the readiness
//! checks and the metrics renderer.

use kaiten_application::UseCases;
use kaiten_application::ports::health::ReadinessCheck;
use kaiten_application::ports::operational_events::OperationalWebhookInbox;
use kaiten_application::use_cases::dispatch_event::DispatchEvent;
use std::sync::Arc;

/// Renders every metric of the process in the Prometheus text format.
pub type MetricsRenderer = Arc<dyn Fn() -> String + Send + Sync>;

/// The header a Dapr sidecar sends its `APP_API_TOKEN` in.
pub const DAPR_TOKEN_HEADER: &str = "dapr-api-token";

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub use_cases: Arc<UseCases>,
    /// The Dapr ingress; `None` (its routes absent) unless `KAITEN_DAPR_API_TOKEN` is set.
    pub dapr: Option<DaprIngress>,
    /// Svix's operational webhooks; `None` (the route absent) unless `SVIX_OPERATIONAL_WEBHOOK_SECRET` is set.
    pub svix_operational: Option<Arc<dyn OperationalWebhookInbox>>,
    /// What `/api/readyz` checks (shared: the state is cloned for every request).
    pub readiness: Arc<[Arc<dyn ReadinessCheck>]>,
    /// Renders `/metrics`.
    pub metrics: MetricsRenderer,
    /// Whether `/metrics` is served with the API (otherwise only on the operations port).
    pub metrics_public: bool,
}

/// The ingress, when configured.
#[derive(Clone)]
pub struct DaprIngress {
    /// Hands the events to the webhook sender.
    pub dispatch: Arc<DispatchEvent>,
    /// The topic advertised to Dapr (the exchange name).
    pub topic: String,
    /// What the sidecar must send in `dapr-api-token`.
    pub api_token: Arc<str>,
}
