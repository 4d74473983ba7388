//! Kaiten's built-in webhook delivery, as one part: its ports (`ports`: the `WebhookStore` of
//! messages, deliveries and attempts, the `DeliveryScheduler` of retries, the `WebhookTransport`
//! that POSTs signed requests) and the engine over them. The engine stores each event as a message
//! with one durable delivery per subscribed endpoint, POSTs it signed under a claim on that delivery,
//! records every attempt, and schedules retries on Svix's schedule through the `DeliveryScheduler`
//! (RabbitMQ delay queues), never by polling a table. It implements the application's `WebhookSender`
//! port (for the dispatch use case) and `WebhookManagement` port (for the API), the same ports the
//! Svix backend (`kaiten-svix`) implements; the adapters implement its own ports (`kaiten-postgres`,
//! `kaiten-rabbitmq`, `kaiten-webhook-http`). Pure like the application layer: no SQL, AMQP or HTTP.

mod attempt;
mod endpoint;
#[cfg(test)]
mod endpoint_tests;
mod engine;
#[cfg(test)]
mod fixtures;
mod management;
pub mod ports;
mod rate;
mod secret;
mod settings;
mod slots;

pub use endpoint::{Endpoint, EndpointId, SigningSecret, WebhookUrl};
pub use engine::{DeliveryEngine, DeliveryTaskHandler};
pub use management::BuiltinWebhookManagement;
pub use secret::generate_secret;
pub use settings::{DeliverySettings, SVIX_RETRY_SCHEDULE};
