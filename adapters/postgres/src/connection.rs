//! Where a repository gets its connection: from the pool (reads), or the one connection of the
//! surrounding transaction (inside a unit of work).

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use kaiten_application::RepoError;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub type PgPool = Pool<AsyncPgConnection>;
pub(crate) type PooledConnection = Object<AsyncPgConnection>;

#[derive(Clone)]
pub(crate) enum ConnectionSource {
    Pool(PgPool),
    Transaction(SharedConnection),
}

/// The connection of a unit of work's transaction, shared by its repositories.
pub(crate) type SharedConnection = Arc<Mutex<PooledConnection>>;

/// A connection borrowed for one repository call.
pub(crate) enum ConnectionGuard {
    Pooled(Box<PooledConnection>),
    InTransaction(OwnedMutexGuard<PooledConnection>),
}

/// A connection from `pool`; an exhausted or unreachable pool is `RepoError::Unavailable`.
pub(crate) async fn pooled(pool: &PgPool) -> Result<PooledConnection, RepoError> {
    pool.get().await.map_err(|e| RepoError::Unavailable(format!("no database connection: {e}")))
}

impl ConnectionSource {
    pub(crate) async fn get(&self) -> Result<ConnectionGuard, RepoError> {
        match self {
            Self::Pool(pool) => pooled(pool).await.map(|c| ConnectionGuard::Pooled(Box::new(c))),
            Self::Transaction(connection) => Ok(ConnectionGuard::InTransaction(connection.clone().lock_owned().await)),
        }
    }
}

impl Deref for ConnectionGuard {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &Self::Target {
        match self {
            Self::Pooled(object) => object,
            Self::InTransaction(guard) => guard,
        }
    }
}

impl DerefMut for ConnectionGuard {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Self::Pooled(object) => object,
            Self::InTransaction(guard) => guard,
        }
    }
}
