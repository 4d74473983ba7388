//! Endpoint stats on Svix. svix-server counts an endpoint's attempts by status but has no buckets,
//! percentiles or streaks, so the stats are computed from the window's newest attempts, read through
//! the attempt listing (at most 1,000; `sampled` says when the window held more).

use crate::management::SvixWebhookManagement;
use crate::mapping::is_plausible_id;
use crate::svix_errors::found;
use kaiten_application::error::RepoError;
use kaiten_domain::webhook::{EndpointRef, HistoryFilter};
use kaiten_domain::webhook_stats::{CountedAttempt, EndpointStats, StatsWindow, stats_of};
use svix::models::MessageStatus;

/// Attempts read at most for one answer.
const MAX_ATTEMPTS_READ: usize = 1000;

impl SvixWebhookManagement {
    pub(crate) async fn endpoint_stats_from_attempts(
        &self,
        app: &str,
        endpoint_ref: &EndpointRef,
        window: StatsWindow,
    ) -> Result<Option<EndpointStats>, RepoError> {
        let endpoint_id = endpoint_ref.as_str();
        if !is_plausible_id(endpoint_id) {
            return Ok(None);
        }
        if found(self.svix.endpoint().get(app.to_owned(), endpoint_id.to_owned()).await)?.is_none() {
            return Ok(None);
        }
        // Svix's `after`/`before` are exclusive: one second wider, then cut to the window.
        let filter = HistoryFilter {
            endpoint_id: Some(endpoint_ref.clone()),
            after: Some(window.since - chrono::Duration::seconds(1)),
            before: Some(window.until),
            ..HistoryFilter::default()
        };
        let listed = self.read_attempts(app, endpoint_id.to_owned(), &filter, MAX_ATTEMPTS_READ).await?;
        let counted: Vec<CountedAttempt> = listed
            .attempts
            .iter()
            .filter(|attempt| matches!(attempt.status, MessageStatus::Success | MessageStatus::Fail))
            .map(|attempt| CountedAttempt {
                at: attempt.timestamp,
                succeeded: attempt.status == MessageStatus::Success,
                duration_ms: attempt.response_duration_ms,
            })
            .collect();
        Ok(Some(stats_of(endpoint_ref.clone(), &window, &counted, !listed.complete)))
    }
}
