//! What the relay needs from PostgreSQL before it streams: `wal_level = logical`, the publication on
//! `outbox_events` (inserts only) and the logical replication slot — created when missing.

use crate::RelayError;
use pgwire_replication::Lsn;
use tokio_postgres::{Client, NoTls};

/// Opens an ordinary (non-replication) connection for set-up queries.
pub(crate) async fn connect(database_url: &str) -> Result<Client, RelayError> {
    let (client, connection) =
        tokio_postgres::connect(database_url, NoTls).await.map_err(|e| RelayError::Database(e.to_string()))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "relay set-up connection closed");
        }
    });
    Ok(client)
}

/// Fails with the fix when PostgreSQL is not configured for logical replication.
pub(crate) async fn check_wal_level(client: &Client) -> Result<(), RelayError> {
    let row = client.query_one("SHOW wal_level", &[]).await.map_err(|e| RelayError::Database(e.to_string()))?;
    let level: String = row.get(0);
    if level == "logical" { Ok(()) } else { Err(RelayError::WalLevel(level)) }
}

/// Creates the publication when it does not exist.
pub(crate) async fn ensure_publication(client: &Client, publication: &str) -> Result<(), RelayError> {
    let exists = client
        .query_opt("SELECT 1 FROM pg_publication WHERE pubname = $1", &[&publication])
        .await
        .map_err(|e| RelayError::Database(e.to_string()))?
        .is_some();
    if !exists {
        let statement =
            format!("CREATE PUBLICATION {} FOR TABLE outbox_events WITH (publish = 'insert')", quote(publication));
        match client.batch_execute(&statement).await {
            Ok(()) => tracing::info!(publication, "created the publication"),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_OBJECT) => {}
            Err(e) => {
                return Err(RelayError::Database(format!("creating publication {publication}: {e}")));
            }
        }
    }
    Ok(())
}

/// Creates the slot when it does not exist; returns its confirmed position. On PostgreSQL 17 and
/// later the slot is a failover slot: a standby with `sync_replication_slots = on` keeps a copy, so
/// the relay resumes from it on the promoted standby.
pub(crate) async fn ensure_slot(client: &Client, slot: &str) -> Result<Lsn, RelayError> {
    let existing = confirmed_flush_lsn(client, slot).await?;
    if let Some(lsn) = existing {
        return Ok(lsn);
    }
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| RelayError::Database(format!("reading the server version: {e}")))?;
    let create = if version >= 170_000 {
        "SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput', false, false, true)"
    } else {
        "SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')"
    };
    match client.query_one(create, &[&slot]).await {
        Ok(_) => tracing::info!(slot, failover = version >= 170_000, "created the replication slot"),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_OBJECT) => {}
        Err(e) => return Err(RelayError::Database(format!("creating slot {slot}: {e}"))),
    }
    confirmed_flush_lsn(client, slot).await?.ok_or_else(|| RelayError::Database(format!("slot {slot} vanished")))
}

/// Whether a connection streams the slot now.
pub(crate) async fn slot_is_active(client: &Client, slot: &str) -> Result<bool, RelayError> {
    let rows = client
        .query("SELECT active FROM pg_replication_slots WHERE slot_name = $1", &[&slot])
        .await
        .map_err(|e| RelayError::Database(format!("reading slot {slot}: {e}")))?;
    rows.first()
        .map_or(Ok(false), |row| row.try_get(0).map_err(|e| RelayError::Database(format!("reading slot {slot}: {e}"))))
}

/// The slot's confirmed position, or `None` when there is no such slot.
pub(crate) async fn confirmed_flush_lsn(client: &Client, slot: &str) -> Result<Option<Lsn>, RelayError> {
    let row = client
        .query_opt(
            "SELECT coalesce(confirmed_flush_lsn, '0/0')::text FROM pg_replication_slots WHERE slot_name = $1",
            &[&slot],
        )
        .await
        .map_err(|e| RelayError::Database(e.to_string()))?;
    row.map(|row| {
        let text: String = row.get(0);
        Lsn::parse(&text).map_err(|e| RelayError::Database(format!("slot position {text}: {e}")))
    })
    .transpose()
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
