//! One benchmark's own database, slot, exchange and queue, and a relay on them.

use kaiten_cdc::{Relay, RelayConfig};
use kaiten_rabbitmq::{LapinEventBus, Topology};
use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, amqp_url};
use std::sync::Arc;
use tokio_postgres::{Client, NoTls};

pub struct Bench {
    pub pool: kaiten_postgres::PgPool,
    pub names: TestNames,
    pub bus: Arc<LapinEventBus>,
    _broker: BrokerCleanup,
    pub db: TestDatabase,
}

impl Bench {
    pub async fn new() -> anyhow::Result<Self> {
        let db = TestDatabase::new();
        let pool = kaiten_postgres::connect(&db.url, 8).await?;
        let names = TestNames::new();
        let bus = Arc::new(LapinEventBus::new(amqp_url(), Topology::new(&names.exchange, &names.queue)));
        Ok(Self { pool, _broker: BrokerCleanup::for_names(&names), names, bus, db })
    }

    /// A relay on this bench's slot and queue, without a bound on the queue's backlog: the benches
    /// that drain an outbox onto a queue nobody consumes measure the relay alone.
    pub fn relay(&self) -> Arc<Relay> {
        let config = RelayConfig { max_backlog: None, ..RelayConfig::new(&self.db.url, &self.names.slot) };
        Arc::new(Relay::new(config, self.bus.clone()))
    }

    pub async fn client(&self) -> anyhow::Result<Client> {
        let (client, connection) = tokio_postgres::connect(&self.db.url, NoTls).await?;
        tokio::spawn(connection);
        Ok(client)
    }
}

/// The payload of a typical CUSTOMER_CREATION event.
pub const PAYLOAD_SQL: &str = "jsonb_build_object('id', gen_random_uuid(), 'name', 'Acme Corporation', 'slug', 'acme-corporation', \
     'externalCustomerId', 'crm-000042', 'organizationId', gen_random_uuid(), 'createdAt', now(), 'updatedAt', now())";

/// The relay's message for a customer's creation: the relay serializer's golden file.
pub const RELAY_MESSAGE_FILE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../adapters/cdc/tests/golden/customer_creation.json");
