//! Registering the catalog's event types on Svix without making Svix a condition of starting: the
//! registration retries in the background (capped exponential backoff with jitter) until it succeeds,
//! and until then readiness fails naming Svix. The API and the relay serve meanwhile; events wait in
//! the worker for as long as Svix cannot take them.

use crate::SvixWebhookSender;
use async_trait::async_trait;
use backon::{BackoffBuilder, ExponentialBuilder};
use kaiten_application::ports::health::{NotReady, ReadinessCheck};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct EventTypeRegistration {
    done: AtomicBool,
    last_error: Mutex<String>,
}

impl EventTypeRegistration {
    /// Starts registering in the background; the returned value reports how far it got.
    pub fn start(sender: Arc<SvixWebhookSender>) -> Arc<Self> {
        let registration =
            Arc::new(Self { done: AtomicBool::new(false), last_error: Mutex::new("not attempted yet".into()) });
        let progress = registration.clone();
        tokio::spawn(async move {
            let mut delays = ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(200))
                .with_max_delay(Duration::from_secs(60))
                .with_jitter()
                .without_max_times()
                .build();
            loop {
                match sender.register_event_types().await {
                    Ok(()) => {
                        progress.done.store(true, Ordering::Release);
                        tracing::info!("the event types are registered on Svix");
                        return;
                    }
                    Err(error) => {
                        let wait = delays.next().unwrap_or(Duration::from_secs(60));
                        tracing::warn!(%error, ?wait, "registering the event types on Svix failed; trying again");
                        if let Ok(mut last) = progress.last_error.lock() {
                            *last = error.to_string();
                        }
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        });
        registration
    }
}

#[async_trait]
impl ReadinessCheck for EventTypeRegistration {
    fn name(&self) -> &'static str {
        "svix"
    }

    async fn check(&self) -> Result<(), NotReady> {
        if self.done.load(Ordering::Acquire) {
            return Ok(());
        }
        let last = self.last_error.lock().map(|last| last.clone()).unwrap_or_default();
        Err(NotReady::new(format!("the event types are not registered yet ({last})")))
    }
}
