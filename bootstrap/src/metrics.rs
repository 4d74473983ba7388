//! The process's Prometheus exporter: installed once, rendered at `/metrics` with the relay's,
//! the worker's and the pool's current figures.

use kaiten_cdc::RelayStats;
use kaiten_postgres::PgPool;
use kaiten_rabbitmq::ConsumerStats;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The global recorder's handle (installed on first use; several apps in one process share it).
fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .as_ref()
}

/// What the renderer reads at each scrape.
#[derive(Clone, Default)]
pub struct Sources {
    pub pool: Option<PgPool>,
    pub relay: Option<Arc<RelayStats>>,
    pub consumer: Option<Arc<ConsumerStats>>,
}

/// Renders every metric, after refreshing the gauges from `sources`.
pub fn renderer(sources: Sources) -> kaiten_http::MetricsRenderer {
    // Install the recorder now, so what happens before the first scrape is recorded too.
    let _ = handle();
    Arc::new(move || {
        if let Some(pool) = &sources.pool {
            let status = pool.status();
            metrics::gauge!("kaiten_db_pool_size").set(status.size as f64);
            metrics::gauge!("kaiten_db_pool_available").set(status.available as f64);
            metrics::gauge!("kaiten_db_pool_waiting").set(status.waiting as f64);
            metrics::gauge!("kaiten_db_pool_max_size").set(status.max_size as f64);
        }
        if let Some(relay) = &sources.relay {
            metrics::gauge!("kaiten_relay_acked_lsn").set(relay.acked_lsn() as f64);
            metrics::gauge!("kaiten_relay_lag_bytes").set(relay.lag_bytes() as f64);
            metrics::gauge!("kaiten_relay_lag_seconds").set(relay.lag_seconds());
            metrics::gauge!("kaiten_relay_published_total").set(relay.published() as f64);
            metrics::gauge!("kaiten_relay_failures_total").set(relay.failures() as f64);
            metrics::gauge!("kaiten_relay_streaming").set(if relay.is_streaming() { 1.0 } else { 0.0 });
            metrics::gauge!("kaiten_relay_holding_back").set(if relay.is_holding_back() { 1.0 } else { 0.0 });
        }
        if let Some(consumer) = &sources.consumer {
            metrics::gauge!("kaiten_queue_consumed_total").set(consumer.consumed.load(Ordering::Relaxed) as f64);
            metrics::gauge!("kaiten_queue_retried_total").set(consumer.retried.load(Ordering::Relaxed) as f64);
            metrics::gauge!("kaiten_queue_dead_lettered_total")
                .set(consumer.dead_lettered.load(Ordering::Relaxed) as f64);
            metrics::gauge!("kaiten_queue_waiting_for_dependency").set(consumer.waiting.load(Ordering::Relaxed) as f64);
        }
        handle().map(PrometheusHandle::render).unwrap_or_default()
    })
}
