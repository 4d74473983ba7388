//! [`TokenChanges`]: holds `LISTEN kaiten_api_tokens` open on a connection of its own and empties the
//! [`TokenCache`] on every notification, reconnecting with backoff; the cache is bypassed while it is
//! not listening.

use crate::token_cache::{CHANNEL, TokenCache};
use backon::{BackoffBuilder, ExponentialBuilder};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures::StreamExt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How long a connection must have listened for its loss to start the reconnect backoff over.
const STEADY: Duration = Duration::from_secs(30);

/// Keeps `LISTEN kaiten_api_tokens` open and empties the cache on every notification.
pub struct TokenChanges {
    database_url: String,
    cache: Arc<TokenCache>,
}

impl TokenChanges {
    pub fn new(database_url: impl Into<String>, cache: Arc<TokenCache>) -> Self {
        Self { database_url: database_url.into(), cache }
    }

    /// Listens until `stop` resolves, reconnecting with backoff; the cache is bypassed meanwhile.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(10))
            .with_jitter()
            .without_max_times();
        let mut delays = backoff.build();
        let mut stop = std::pin::pin!(stop);
        loop {
            let started = tokio::time::Instant::now();
            tokio::select! {
                () = &mut stop => break,
                error = self.listen() => {
                    // A connection that listened for a while starts the backoff over; one that
                    // breaks as soon as it is made keeps backing off.
                    if started.elapsed() > STEADY {
                        delays = backoff.build();
                    }
                    tracing::warn!(%error, "token changes: not listening; tokens are read from the database");
                }
            }
            self.cache.set_listening(false);
            let delay = delays.next().unwrap_or(Duration::from_secs(10));
            tokio::select! {
                () = &mut stop => break,
                () = tokio::time::sleep(delay) => {}
            }
        }
        self.cache.set_listening(false);
    }

    /// One connection's life: subscribe, then empty the cache on each notification until it breaks;
    /// returns why it did.
    async fn listen(&self) -> ListenError {
        let mut connection = match AsyncPgConnection::establish(&self.database_url).await {
            Ok(connection) => connection,
            Err(error) => return ListenError::Connect(error),
        };
        if let Err(error) = diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut connection).await {
            return ListenError::Subscribe(error);
        }
        self.cache.set_listening(true);
        tracing::debug!("token changes: listening");
        let mut notifications = std::pin::pin!(connection.notifications_stream());
        while let Some(notification) = notifications.next().await {
            if let Err(error) = notification {
                return ListenError::Receive(error);
            }
            self.cache.forget_all();
        }
        ListenError::Closed
    }
}

/// Why listening for token changes stopped.
#[derive(Debug, thiserror::Error)]
enum ListenError {
    #[error("cannot connect: {0}")]
    Connect(diesel::ConnectionError),
    #[error("cannot subscribe: {0}")]
    Subscribe(diesel::result::Error),
    #[error("lost the connection: {0}")]
    Receive(diesel::result::Error),
    #[error("the connection closed")]
    Closed,
}
