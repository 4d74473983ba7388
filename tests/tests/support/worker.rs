//! A worker (queue consumer + dispatch use case) on its own database, exchange and queues, with a
//! recording webhook sender whose failures a test can script.

#![allow(dead_code)]

use async_trait::async_trait;
use kaiten_application::ports::event_bus::{EventBus, OutgoingMessage};
use kaiten_application::ports::webhooks::{SendError, WebhookEvent, WebhookSender};
use kaiten_application::use_cases::dispatch_event::DispatchEvent;
use kaiten_domain::organization::Organization;
use kaiten_rabbitmq::{LapinConsumer, LapinEventBus, Topology};
use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, amqp_url};
use opentelemetry::trace::TraceContextExt;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use uuid::Uuid;

/// Records every event handed to it, and the trace id of the span it was sent in; fails as scripted
/// per outbox id.
#[derive(Default)]
pub struct RecordingSender {
    pub sent: Mutex<Vec<(Instant, WebhookEvent)>>,
    pub failures: Mutex<HashMap<Uuid, VecDeque<SendError>>>,
    pub trace_ids: Mutex<HashMap<Uuid, String>>,
}

impl RecordingSender {
    pub fn fail(&self, id: Uuid, errors: impl IntoIterator<Item = SendError>) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.entry(id).or_default().extend(errors);
        }
    }

    pub fn calls(&self) -> Vec<(Instant, WebhookEvent)> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn calls_for(&self, id: Uuid) -> Vec<Instant> {
        self.calls().into_iter().filter(|(_, e)| e.id == id).map(|(at, _)| at).collect()
    }

    /// The trace id of the span the event `id` was last sent in (none outside a traced span).
    pub fn trace_id_of(&self, id: Uuid) -> Option<String> {
        self.trace_ids.lock().ok().and_then(|ids| ids.get(&id).cloned())
    }
}

#[async_trait]
impl WebhookSender for RecordingSender {
    async fn send(&self, event: &WebhookEvent) -> Result<(), SendError> {
        let context = tracing::Span::current().context();
        let ids = context.span().span_context().clone();
        if ids.is_valid()
            && let Ok(mut trace_ids) = self.trace_ids.lock()
        {
            trace_ids.insert(event.id, ids.trace_id().to_string());
        }
        if let Ok(mut sent) = self.sent.lock() {
            sent.push((Instant::now(), event.clone()));
        }
        let scripted = self.failures.lock().ok().and_then(|mut f| f.get_mut(&event.id).and_then(VecDeque::pop_front));
        scripted.map_or(Ok(()), Err)
    }

    async fn ensure_organization(&self, _: &Organization) -> Result<(), SendError> {
        Ok(())
    }
}

pub struct WorkerHarness {
    pub names: TestNames,
    pub topology: Topology,
    pub sender: Arc<RecordingSender>,
    pub bus: LapinEventBus,
    pub organization: Organization,
    shutdown: CancellationToken,
    _broker: BrokerCleanup,
    pub db: TestDatabase,
}

impl WorkerHarness {
    /// Starts a worker whose retries wait `retry_delays`.
    pub async fn start(retry_delays: Vec<Duration>) -> anyhow::Result<Self> {
        kaiten::telemetry::init_for_tests();
        let db = TestDatabase::new();
        let pool = kaiten_postgres::connect(&db.url, 4).await?;
        let repos = kaiten_postgres::pooled_repositories(pool.clone());
        let organization = Organization::create("Acme", kaiten_domain::clock::now())?;
        let uow = kaiten_postgres::PgUnitOfWork::new(pool);
        let stored = organization.clone();
        use kaiten_application::UnitOfWorkExt;
        (&uow as &dyn kaiten_application::UnitOfWork)
            .run(|r| async move { r.organizations.insert(&stored).await })
            .await?;
        let names = TestNames::new();
        let topology = Topology::new(&names.exchange, &names.queue).with_retry_delays(retry_delays);
        let bus = LapinEventBus::new(amqp_url(), topology.clone());
        bus.ensure_topology().await?;
        let sender = Arc::new(RecordingSender::default());
        let dispatch = Arc::new(DispatchEvent::new(repos, sender.clone()));
        let consumer = LapinConsumer::new(amqp_url(), topology.clone(), 16);
        let shutdown = CancellationToken::new();
        tokio::spawn({
            let shutdown = shutdown.clone();
            async move { consumer.run(dispatch, shutdown).await }
        });
        Ok(Self { _broker: BrokerCleanup::for_names(&names), names, topology, sender, bus, organization, shutdown, db })
    }

    pub async fn publish(&self, id: Uuid, body: Vec<u8>) -> anyhow::Result<()> {
        let message =
            OutgoingMessage { message_id: id.to_string(), content_type: "application/json", body, headers: vec![] };
        self.bus.publish(message).await?.await?;
        Ok(())
    }

    pub fn dead_letter_queue(&self) -> String {
        self.topology.dead_letters()
    }
}

impl Drop for WorkerHarness {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
