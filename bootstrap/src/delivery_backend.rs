//! Who delivers the webhooks: Svix (one application per organization) when `SVIX_API_KEY` is set,
//! otherwise the built-in engine over the webhook HTTP transport, with the management API of the same
//! backend and what readiness checks of it.

use crate::config::Config;
use kaiten_application::ports::health::ReadinessCheck;
use kaiten_application::ports::operational_events::OperationalWebhookInbox;
use kaiten_application::ports::webhook_management::WebhookManagement;
use kaiten_application::ports::webhooks::WebhookSender;
use kaiten_delivery::{BuiltinWebhookManagement, DeliveryEngine};
use kaiten_domain::webhook_url::UrlPolicy;
use kaiten_postgres::{PgEventOwners, PgOperationalEventLog, PgPool, PgWebhookStore};
use kaiten_rabbitmq::{Broker, LapinDeliveryScheduler, Topology};
use kaiten_svix::{EventTypeRegistration, SvixOperationalInbox, SvixWebhookManagement, SvixWebhookSender};
use kaiten_webhook_http::{HttpWebhookTransport, TransportTimeouts};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// Who delivers: Svix when `SVIX_API_KEY` is set, otherwise the built-in engine.
pub(crate) struct Delivery {
    pub(crate) sender: Arc<dyn WebhookSender>,
    pub(crate) management: Arc<dyn WebhookManagement>,
    pub(crate) engine: Option<Arc<DeliveryEngine>>,
    /// What readiness checks of the backend (Svix's event types registered).
    pub(crate) readiness: Option<Arc<dyn ReadinessCheck>>,
    /// Svix's operational webhooks, when `SVIX_OPERATIONAL_WEBHOOK_SECRET` is set.
    pub(crate) operational_inbox: Option<Arc<dyn OperationalWebhookInbox>>,
}

/// The runtime's timer.
struct TokioTimer;

#[async_trait::async_trait]
impl kaiten_application::ports::timer::Timer for TokioTimer {
    async fn sleep(&self, duration: std::time::Duration) {
        tokio::time::sleep(duration).await;
    }
}

pub(crate) async fn configured_delivery(
    config: &Config,
    pool: &PgPool,
    broker: &Broker,
    topology: &Topology,
) -> anyhow::Result<Delivery> {
    if let Some(api_key) = config.svix_api_key.as_ref().map(|key| key.expose_secret().to_owned()) {
        // The Svix client's TLS needs the process's crypto provider (`main` installs it too).
        kaiten_webhook_http::install_default_crypto_provider();
        let owners = Arc::new(PgEventOwners::new(pool.clone()));
        let svix = Arc::new(SvixWebhookSender::new(api_key.clone(), config.svix_server_url.clone(), owners));
        // Svix being down must not stop the API: the registration retries in the background.
        let registration = EventTypeRegistration::start(svix.clone());
        tracing::info!("webhooks are delivered by Svix");
        let operational_log = Arc::new(PgOperationalEventLog::new(pool.clone()));
        let management = SvixWebhookManagement::new(api_key, config.svix_server_url.clone())
            .with_operational_log(operational_log.clone());
        let operational_inbox: Option<Arc<dyn OperationalWebhookInbox>> =
            match config.svix_operational_webhook_secret.as_ref() {
                Some(secret) => Some(Arc::new(
                    SvixOperationalInbox::new(secret.expose_secret(), &svix, operational_log)
                        .map_err(|reason| anyhow::anyhow!("SVIX_OPERATIONAL_WEBHOOK_SECRET: {reason}"))?,
                )),
                None => None,
            };
        return Ok(Delivery {
            sender: svix,
            management: Arc::new(management),
            engine: None,
            readiness: Some(registration),
            operational_inbox,
        });
    }
    let policy = UrlPolicy::new(config.webhooks_allow_private);
    let store = Arc::new(PgWebhookStore::new(pool.clone()));
    let scheduler = Arc::new(LapinDeliveryScheduler::new(broker.clone(), topology.deliveries()));
    let settings = config.delivery_settings()?;
    let timeouts = TransportTimeouts { total: settings.request_timeout, ..TransportTimeouts::default() };
    let transport = HttpWebhookTransport::new(policy, timeouts)?.with_max_in_flight(config.webhooks_max_in_flight);
    let transport = Arc::new(transport);
    let engine =
        DeliveryEngine::new(store.clone(), transport, scheduler.clone(), settings).with_timer(Arc::new(TokioTimer));
    let engine = Arc::new(engine);
    tracing::info!("webhooks are delivered by the built-in engine");
    Ok(Delivery {
        sender: engine.clone(),
        management: Arc::new(BuiltinWebhookManagement::new(store, scheduler)),
        engine: Some(engine),
        readiness: None,
        operational_inbox: None,
    })
}
