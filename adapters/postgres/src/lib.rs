//! PostgreSQL adapter: implements the application's storage ports with diesel + diesel-async on a
//! deadpool pool — the repositories, the `UnitOfWork` whose transaction carries both a domain write
//! and its `outbox_events` rows, the token store — and owns the embedded migrations and the database
//! bootstrap (create the database when missing, migrate). All SQL of the system lives here.

mod accounts;
mod actor_column;
mod audit_trails;
mod connection;
mod customer_directory;
mod customers;
mod database;
mod deployment_zones;
mod deployments;
mod entitlements;
mod errors;
mod event_feed;
mod event_owners;
mod feature_flags;
mod group_commit;
mod instances;
mod license_entitlements;
mod license_rows;
mod licenses;
mod operational_events;
pub(crate) mod outbox;
mod prepared;
mod releases;
mod reported;
mod resend_windows;
mod retention;
mod schema;
mod scoped;
mod snapshot;
mod token_cache;
mod token_changes;
mod tokens;
mod unit_of_work;
mod usage;
mod webhook_accept_batch;
mod webhook_deliveries;
mod webhook_endpoints;
mod webhook_messages;
mod webhook_recoveries;
mod webhook_settle_batch;
mod webhook_settlement;
mod webhook_settlement_columns;
mod webhook_stats;
mod webhook_store;

pub use connection::PgPool;
pub use customer_directory::PgCustomerDirectory;
pub use database::{
    DEFAULT_POOL_WAIT, DatabaseError, DatabaseReadiness, connect, connect_waiting, ensure_database, redact,
    run_migrations,
};
pub use event_feed::PgEventFeed;
pub use event_owners::PgEventOwners;
pub use outbox::PgOperationalEventLog;
pub use resend_windows::PgResendLimiter;
pub use retention::PgRetention;
pub use token_cache::TokenCache;
pub use token_changes::TokenChanges;
pub use unit_of_work::{PgUnitOfWork, pooled_repositories, pooled_repositories_with_token_cache};
pub use webhook_recoveries::{MAX_RECOVERIES_KEPT, PgRecoveryLog};
pub use webhook_store::PgWebhookStore;
