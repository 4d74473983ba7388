//! The delivery history on Svix. Svix lists attempts per endpoint (there is no listing of an
//! application's attempts), with iterators instead of offsets: the history reads, for each endpoint
//! concerned, the newest `offset + limit` attempts that pass the filter, merges them newest first and
//! cuts the page from the merged list.

use crate::management::{CONCURRENT_REQUESTS, EndpointList, SVIX_PAGE_SIZE, SvixWebhookManagement};
use crate::mapping::{attempt_from_svix, is_plausible_id, sort_newest_first, svix_status, to_len, to_total};
use crate::svix_errors::{is_not_found, repo_error};
use futures::{StreamExt, TryStreamExt, stream};
use kaiten_application::error::RepoError;
use kaiten_domain::Paged;
use kaiten_domain::webhook::{DeliveryAttempt, HistoryFilter};
use std::collections::BTreeSet;
use svix::api::MessageAttemptListByEndpointOptions;
use svix::models::MessageAttemptOut;

/// At most this many attempts are read per endpoint for one page of history: pages beyond it are empty.
const MAX_ATTEMPTS_READ: usize = 2000;

/// The newest attempts of one endpoint; `complete` is false when more remain in Svix.
pub(crate) struct AttemptList {
    pub(crate) attempts: Vec<MessageAttemptOut>,
    pub(crate) complete: bool,
}

impl SvixWebhookManagement {
    /// `total` counts the attempts read: exact when every endpoint's list was read to its end,
    /// otherwise at least `offset + limit + 1`, so a client knows another page exists.
    pub(crate) async fn attempt_history(
        &self,
        app: &str,
        filter: HistoryFilter,
    ) -> Result<Paged<DeliveryAttempt>, RepoError> {
        let (offset, limit) = (to_len(filter.page.offset), to_len(filter.page.limit));
        let wanted = offset.saturating_add(limit).min(MAX_ATTEMPTS_READ);
        let (endpoint_ids, every_endpoint_read) = match &filter.endpoint_id {
            Some(id) if !is_plausible_id(id.as_str()) => return Ok(Paged::all(Vec::new())),
            Some(id) => (vec![String::from(id.clone())], true),
            None => {
                let EndpointList { endpoints, complete } = self.read_endpoints(app).await?;
                (endpoints.into_iter().map(|endpoint| endpoint.id).collect(), complete)
            }
        };
        let lists: Vec<AttemptList> = stream::iter(endpoint_ids)
            .map(|endpoint_id| self.read_attempts(app, endpoint_id, &filter, wanted))
            .buffered(CONCURRENT_REQUESTS)
            .try_collect()
            .await?;
        let complete = every_endpoint_read && lists.iter().all(|list| list.complete);
        let mut attempts: Vec<MessageAttemptOut> = lists.into_iter().flat_map(|list| list.attempts).collect();
        sort_newest_first(&mut attempts);
        let mut total = to_total(attempts.len());
        if !complete {
            total = total.max(to_total(wanted).saturating_add(1));
        }
        let items = attempts.into_iter().skip(offset).take(limit).map(|attempt| attempt_from_svix(attempt, None));
        Ok(Paged::from_offset(items.collect(), total, filter.page))
    }

    /// Up to `wanted` attempts of one endpoint, newest first; none when the endpoint (or the
    /// application) does not exist.
    pub(crate) async fn read_attempts(
        &self,
        app: &str,
        endpoint_id: String,
        filter: &HistoryFilter,
        wanted: usize,
    ) -> Result<AttemptList, RepoError> {
        let mut attempts = Vec::new();
        let mut iterator = None;
        while attempts.len() < wanted {
            let missing = u64::try_from(wanted - attempts.len()).unwrap_or(SVIX_PAGE_SIZE);
            let options = MessageAttemptListByEndpointOptions {
                limit: Some(missing.min(SVIX_PAGE_SIZE)),
                iterator,
                status: filter.status.map(svix_status),
                before: filter.before,
                after: filter.after,
                with_content: Some(true),
                with_msg: Some(true),
                event_types: filter.event.map(|kind| BTreeSet::from([kind.event_type().to_owned()])),
                ..MessageAttemptListByEndpointOptions::default()
            };
            let attempts_api = self.svix.message_attempt();
            let page = match attempts_api.list_by_endpoint(app.to_owned(), endpoint_id.clone(), Some(options)).await {
                Ok(page) => page,
                Err(error) if is_not_found(&error) => return Ok(AttemptList { attempts, complete: true }),
                Err(error) => return Err(repo_error(&error)),
            };
            attempts.extend(page.data);
            match page.iterator {
                Some(next) if !page.done => iterator = Some(next),
                _ => return Ok(AttemptList { attempts, complete: true }),
            }
        }
        Ok(AttemptList { attempts, complete: false })
    }
}
