//! A relay on its own database, slot, exchange and queue, and helpers to write outbox rows.

#![allow(dead_code)]

use kaiten_cdc::{Relay, RelayConfig};
use kaiten_rabbitmq::{LapinEventBus, Topology};
use kaiten_test_support::{BrokerCleanup, TestDatabase, TestNames, amqp_url};
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, NoTls};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub struct RelayHarness {
    pub names: TestNames,
    pub bus: Arc<LapinEventBus>,
    pub organization: Uuid,
    // Dropped last: the broker objects, then the database (with its slot).
    _broker: BrokerCleanup,
    pub db: TestDatabase,
}

pub struct RunningRelay {
    pub relay: Arc<Relay>,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<Result<(), kaiten_cdc::RelayError>>,
}

impl RelayHarness {
    pub async fn new() -> anyhow::Result<Self> {
        let db = TestDatabase::new();
        db.create_migrated().await?;
        let names = TestNames::new();
        let bus = Arc::new(LapinEventBus::new(amqp_url(), Topology::new(&names.exchange, &names.queue)));
        Ok(Self { _broker: BrokerCleanup::for_names(&names), names, bus, organization: Uuid::now_v7(), db })
    }

    pub fn relay(&self) -> Arc<Relay> {
        Arc::new(Relay::new(RelayConfig::new(&self.db.url, &self.names.slot), self.bus.clone()))
    }

    /// Prepares (slot, publication, topology) and starts a relay task.
    pub async fn start(&self) -> anyhow::Result<RunningRelay> {
        self.start_relay(self.relay()).await
    }

    /// Starts a relay that keeps at most `max_in_flight` messages unconfirmed.
    pub async fn start_with_window(&self, max_in_flight: usize) -> anyhow::Result<RunningRelay> {
        let config = RelayConfig { max_in_flight, ..RelayConfig::new(&self.db.url, &self.names.slot) };
        self.start_relay(Arc::new(Relay::new(config, self.bus.clone()))).await
    }

    /// Starts a relay that reads no further while `max_backlog` messages wait in the work queue.
    pub async fn start_with_backlog(&self, max_backlog: u64) -> anyhow::Result<RunningRelay> {
        let config = RelayConfig { max_backlog: Some(max_backlog), ..RelayConfig::new(&self.db.url, &self.names.slot) };
        self.start_relay(Arc::new(Relay::new(config, self.bus.clone()))).await
    }

    async fn start_relay(&self, relay: Arc<Relay>) -> anyhow::Result<RunningRelay> {
        relay.prepare().await?;
        let shutdown = CancellationToken::new();
        let task = tokio::spawn({
            let (relay, shutdown) = (relay.clone(), shutdown.clone());
            async move { relay.run(shutdown).await }
        });
        Ok(RunningRelay { relay, shutdown, task })
    }

    pub async fn client(&self) -> anyhow::Result<Client> {
        let (client, connection) = tokio_postgres::connect(&self.db.url, NoTls).await?;
        tokio::spawn(connection);
        Ok(client)
    }

    /// Inserts `count` outbox rows in one transaction (one multi-row INSERT); returns their ids.
    pub async fn insert_rows(&self, client: &mut Client, count: usize, commit: bool) -> anyhow::Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = (0..count).map(|_| Uuid::now_v7()).collect();
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO outbox_events (id, event_name, event_type, data, organization_id, headers)
             SELECT id, 'CUSTOMER_CREATION', 'com.kaiten.customer.v1.created',
                    jsonb_build_object('id', id, 'name', 'Acme'), $2,
                    '{\"traceparent\": \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}'
             FROM unnest($1::uuid[]) AS id",
            &[&ids, &self.organization],
        )
        .await?;
        if commit {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(ids)
    }
}

impl RunningRelay {
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.task.await??;
        Ok(())
    }
}

/// The outbox id carried by a relay message.
pub fn outbox_id(message: &kaiten_test_support::ReceivedMessage) -> Option<Uuid> {
    let body = message.json().ok()?;
    body["data"]["payload"]["after"]["id"].as_str()?.parse().ok()
}
