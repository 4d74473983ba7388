//! The built-in delivery engine: stores each event as a message with one durable delivery per
//! subscribed endpoint, POSTs it signed under a claim on that delivery, records every attempt, and
//! schedules retries on Svix's schedule through the `DeliveryScheduler` (RabbitMQ delay queues),
//! never by polling a table. It implements the `WebhookSender` port (for the dispatch use case) and
//! the `WebhookManagement` port (for the API).

mod attempt;
mod engine;
#[cfg(test)]
mod fixtures;
mod management;
mod rate;
mod secret;
mod settings;
mod slots;

pub use engine::{DeliveryEngine, DeliveryTaskHandler};
pub use management::BuiltinWebhookManagement;
pub use secret::generate_secret;
pub use settings::{DeliverySettings, SVIX_RETRY_SCHEDULE};
