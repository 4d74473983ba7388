//! The built-in delivery engine: stores each event as a message, POSTs it signed to every subscribed
//! endpoint, records every attempt, and schedules retries on Svix's schedule through the
//! `DeliveryScheduler` (RabbitMQ delay queues), never by polling a table. It implements the
//! `WebhookSender` port (for the dispatch use case) and the `WebhookManagement` port (for the API).

mod attempt;
mod engine;
mod management;
mod secret;
mod slots;

pub use engine::{DeliveryEngine, DeliverySettings, DeliveryTaskHandler, SVIX_RETRY_SCHEDULE};
pub use management::BuiltinWebhookManagement;
pub use secret::generate_secret;
