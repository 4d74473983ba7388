//! One replication session: decode each committed transaction, publish its outbox rows with
//! confirms, and acknowledge the transaction's end LSN once every one of them is confirmed.
//! Transactions are pipelined (the next is published while earlier confirms are pending) and
//! acknowledged strictly in commit order; the unconfirmed messages are bounded in number and in bytes
//! (by the window, or by one transaction when a single transaction is larger), and so is the read-ahead
//! of replication events. While the work queue holds as many messages as it may ([`crate::backlog`]),
//! nothing more is read.

use crate::backlog::BacklogGate;
use crate::config::{BACKLOG_LOOK_INTERVAL, RelayConfig};
use crate::debezium::{ChangePosition, ChangeSource, InsertedRow, cloud_event, envelope_schema};
use crate::pgoutput::{self, Message, PG_EPOCH_OFFSET_MICROS, Relation};
use crate::stats::RelayStats;
use crate::{RelayError, setup};
use futures::future::{BoxFuture, try_join_all};
use futures::stream::{FuturesOrdered, StreamExt};
use kaiten_application::ports::event_bus::{EventBus, OutgoingMessage, PublishConfirmation};
use pgwire_replication::{Lsn, ReplicationClient, ReplicationConfig, ReplicationEvent};
use serde_json::value::RawValue;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// The transaction being decoded.
struct OpenTransaction {
    commit_lsn: u64,
    xid: u32,
    commit_time_micros: i64,
    confirmations: Vec<PublishConfirmation>,
    /// Bytes of the messages published so far.
    bytes: usize,
}

/// What is published and not yet confirmed.
#[derive(Default)]
struct Unconfirmed {
    messages: usize,
    bytes: usize,
}

impl Unconfirmed {
    fn within(&self, config: &RelayConfig) -> bool {
        self.messages < config.max_in_flight && self.bytes < config.max_in_flight_bytes
    }
}

/// A table seen in a Relation message, with what every message of its rows shares.
struct Table {
    relation: Relation,
    source: ChangeSource,
    schema: Box<RawValue>,
}

/// A committed transaction whose confirmations are awaited: resolves to (end LSN, messages, bytes,
/// commit time).
type PendingAck = BoxFuture<'static, Result<(u64, usize, usize, i64), RelayError>>;

fn replication_config(config: &RelayConfig, ack: Lsn) -> Result<(ReplicationConfig, String), RelayError> {
    let url = url::Url::parse(&config.database_url).map_err(|e| RelayError::InvalidUrl(e.to_string()))?;
    let database = url.path().trim_start_matches('/').to_owned();
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = if url.username().is_empty() { "postgres".to_owned() } else { decode(url.username()) };
    let password = url.password().map(decode).unwrap_or_default();
    let host = url.host_str().unwrap_or("127.0.0.1").to_owned();
    let replication =
        ReplicationConfig::new(host, user, password, database.clone(), config.slot.clone(), config.slot.clone())
            .with_port(url.port().unwrap_or(5432))
            .with_start_lsn(Lsn::ZERO)
            .with_ack_lsn(ack)
            .with_status_interval(config.status_interval)
            .with_wakeup_interval(config.status_interval)
            .with_buffer_size(config.buffered_events.max(1))
            .with_application_name("kaiten-relay");
    Ok((replication, database))
}

fn now_micros_pg() -> i64 {
    chrono::Utc::now().timestamp_micros() - PG_EPOCH_OFFSET_MICROS
}

/// Streams until `shutdown` (Ok) or a fault (Err).
pub(crate) async fn stream(
    config: &RelayConfig,
    bus: &dyn EventBus,
    stats: &RelayStats,
    shutdown: &CancellationToken,
) -> Result<(), RelayError> {
    let setup_client = setup::connect(&config.database_url).await?;
    let confirmed = setup::confirmed_flush_lsn(&setup_client, &config.slot)
        .await?
        .ok_or_else(|| RelayError::Database(format!("slot {} does not exist", config.slot)))?;
    // A standby asks before it opens a replication connection the server would refuse (and log).
    if setup::slot_is_active(&setup_client, &config.slot).await? {
        return Err(RelayError::SlotBusy(config.slot.clone()));
    }
    drop(setup_client);
    let (replication, database) = replication_config(config, confirmed)?;
    let mut client = ReplicationClient::connect(replication).await.map_err(stream_error(&config.slot))?;
    client.wait_started().await.map_err(stream_error(&config.slot))?;
    stats.set_streaming(true);
    tracing::info!(slot = %config.slot, from = %confirmed, "relay streaming");

    let source =
        ChangeSource { server_name: config.server_name.clone(), database, schema: String::new(), table: String::new() };
    let mut tables: HashMap<u32, Table> = HashMap::new();
    let mut open: Option<OpenTransaction> = None;
    let mut pending: FuturesOrdered<PendingAck> = FuturesOrdered::new();
    let mut unconfirmed = Unconfirmed::default();
    let mut backlog = BacklogGate::new(config.max_backlog, BACKLOG_LOOK_INTERVAL);

    loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => {
                client.stop();
                return Ok(());
            }
            Some(acked) = pending.next(), if !pending.is_empty() => {
                let (end_lsn, messages, bytes, commit_time) = acked?;
                unconfirmed.messages -= messages;
                unconfirmed.bytes -= bytes;
                client.update_applied_lsn(Lsn::from(end_lsn));
                stats.record_ack(end_lsn, messages as u64, now_micros_pg() - commit_time);
            }
            () = tokio::time::sleep_until(backlog.next_look()), if !backlog.open() => {
                let waiting = bus.backlog().await.map_err(|e| RelayError::Bus(e.to_string()))?;
                // A message not yet confirmed may not be in the queue's count yet: count it as waiting.
                backlog.looked(waiting.map(|waiting| waiting + unconfirmed.messages as u64));
                stats.set_holding_back(backlog.holding_back());
            }
            // A transaction larger than the window is read on once every earlier one is acknowledged:
            // its own confirmations are awaited only at its commit. Nothing is read while the work
            // queue is full.
            event = client.recv(), if (unconfirmed.within(config) || pending.is_empty()) && backlog.open() => {
                let event = event.map_err(stream_error(&config.slot))?
                    .ok_or_else(|| RelayError::Stream("the server ended the replication stream".into()))?;
                match event {
                    ReplicationEvent::Begin { final_lsn, xid, commit_time_micros } => {
                        open = Some(OpenTransaction { commit_lsn: final_lsn.into(), xid, commit_time_micros, confirmations: Vec::new(), bytes: 0 });
                    }
                    ReplicationEvent::XLogData { wal_start, wal_end, data, .. } => {
                        stats.record_wal_end(wal_end.into());
                        match pgoutput::decode(&data).map_err(|e| RelayError::Decode(e.to_string()))? {
                            Message::Relation(relation) => {
                                // Relations are re-sent when the table changes: the cache follows.
                                let table = table_of(&source, relation)?;
                                tables.insert(table.relation.id, table);
                            }
                            Message::Insert { relation_id, values } => {
                                let table = tables.get(&relation_id)
                                    .ok_or_else(|| RelayError::Decode(format!("insert into unknown relation {relation_id}")))?;
                                let tx = open.as_mut().ok_or_else(|| RelayError::Decode("insert outside a transaction".into()))?;
                                let message = outbox_message(table, &values, tx, wal_start.into())?;
                                let size = message.body.len();
                                // Queues the message behind the ones before it; decoding goes on while
                                // lapin writes it and the broker confirms it.
                                let confirmation = bus.publish(message).await.map_err(|e| RelayError::Bus(e.to_string()))?;
                                tx.confirmations.push(confirmation);
                                backlog.published();
                                tx.bytes += size;
                                unconfirmed.messages += 1;
                                unconfirmed.bytes += size;
                            }
                            _ => {}
                        }
                    }
                    ReplicationEvent::Commit { end_lsn, .. } => {
                        let tx = open.take().ok_or_else(|| RelayError::Decode("commit without begin".into()))?;
                        let end_lsn: u64 = end_lsn.into();
                        let (count, bytes, commit_time) = (tx.confirmations.len(), tx.bytes, tx.commit_time_micros);
                        pending.push_back(Box::pin(async move {
                            try_join_all(tx.confirmations).await.map_err(|e| RelayError::Bus(e.to_string()))?;
                            Ok((end_lsn, count, bytes, commit_time))
                        }));
                    }
                    ReplicationEvent::KeepAlive { wal_end, .. } => {
                        stats.record_wal_end(wal_end.into());
                        // Nothing decoded and unacknowledged: the server's position can be acknowledged,
                        // so an idle outbox never pins WAL.
                        if open.is_none() && pending.is_empty() {
                            client.update_applied_lsn(wal_end);
                            stats.record_ack(wal_end.into(), 0, 0);
                        }
                    }
                    ReplicationEvent::Message { .. } => {}
                    ReplicationEvent::StoppedAt { .. } => {
                        return Err(RelayError::Stream("the replication stream stopped".into()));
                    }
                }
            }
        }
    }
}

fn table_of(source: &ChangeSource, relation: Relation) -> Result<Table, RelayError> {
    let source = ChangeSource { schema: relation.namespace.clone(), table: relation.name.clone(), ..source.clone() };
    let schema = envelope_schema(&source, &relation.columns).map_err(|e| RelayError::Decode(e.to_string()))?;
    Ok(Table { relation, source, schema })
}

/// The message for one inserted outbox row.
fn outbox_message(
    table: &Table,
    values: &[pgoutput::Value],
    tx: &OpenTransaction,
    lsn: u64,
) -> Result<OutgoingMessage, RelayError> {
    let row = InsertedRow { columns: &table.relation.columns, values };
    let position =
        ChangePosition { lsn, commit_lsn: tx.commit_lsn, xid: tx.xid, commit_time_micros: tx.commit_time_micros };
    let body =
        cloud_event(&table.source, &table.schema, position, &row).map_err(|e| RelayError::Decode(e.to_string()))?;
    let message_id = row.text("id").unwrap_or_default().to_owned();
    let headers = row.trace_headers();
    Ok(OutgoingMessage { message_id, content_type: CONTENT_TYPE, body, headers })
}

fn stream_error(slot: &str) -> impl Fn(pgwire_replication::PgWireError) -> RelayError + '_ {
    move |error| {
        let text = error.to_string();
        if text.contains("SQLSTATE 55006") { RelayError::SlotBusy(slot.to_owned()) } else { RelayError::Stream(text) }
    }
}
