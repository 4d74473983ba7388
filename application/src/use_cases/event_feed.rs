//! The event feed (`read:events`): the organization's events, oldest first, each exactly the body
//! a webhook carries, for receivers that reconcile after downtime.

use crate::caller::Caller;
use crate::error::UseCaseError;
use crate::ports::event_feed::{EventFeed, FeedError, FeedQuery, StoredEvent};
use crate::ports::unit_of_work::Repositories;
use crate::ports::webhooks::WebhookEvent;
use chrono::{DateTime, Utc};
use kaiten_domain::validation::ValidationErrors;
use kaiten_domain::webhook_scope::CustomerRef;
use kaiten_domain::{Access, EventKind, EventNaming, Module, Page};
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

/// What a caller asks of the feed.
#[derive(Debug, Clone, Default)]
pub struct FeedRequest {
    pub after: Option<String>,
    pub limit: Option<i64>,
    /// Event names (either spelling), comma-separated.
    pub event_names: Option<String>,
    pub since: Option<DateTime<Utc>>,
    /// A customer's id or slug.
    pub customer: Option<String>,
}

/// One page of the feed: webhook bodies, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPage {
    pub items: Vec<Value>,
    pub has_more: bool,
    /// Pass as `after` to read on (absent when the page is empty).
    pub next_cursor: Option<String>,
}

pub struct ReadEvents {
    repos: Repositories,
    feed: Arc<dyn EventFeed>,
}

fn invalid(field: &str, message: &str, value: Option<&str>) -> UseCaseError {
    ValidationErrors::single(format!("query.{field}"), message, value.map(Value::from)).into()
}

fn kinds(names: Option<&str>) -> Result<Vec<EventKind>, UseCaseError> {
    let names = names.unwrap_or_default().split(',').map(str::trim).filter(|name| !name.is_empty());
    names
        .map(|name| {
            EventKind::from_name(name).ok_or_else(|| invalid("eventName", "is not an event of the catalog", Some(name)))
        })
        .collect()
}

impl ReadEvents {
    pub fn new(repos: Repositories, feed: Arc<dyn EventFeed>) -> Self {
        Self { repos, feed }
    }

    async fn naming(&self, caller: &Caller) -> Result<EventNaming, UseCaseError> {
        let organization = self.repos.organizations.find(caller.organization_id).await?;
        Ok(organization.ok_or(UseCaseError::NotFound("organization"))?.webhook_event_names)
    }

    fn body(event: StoredEvent, caller: &Caller, naming: EventNaming) -> Value {
        let event = WebhookEvent {
            id: event.id,
            organization_id: caller.organization_id,
            kind: event.kind,
            data: event.data,
            traceparent: None,
            naming,
            timestamp: event.occurred_at,
            previous_attributes: event.previous_attributes,
            customer: event.customer,
        };
        event.body()
    }

    pub async fn list(&self, caller: &Caller, request: FeedRequest) -> Result<FeedPage, UseCaseError> {
        caller.require(Access::Read, Module::Events)?;
        // The same bounds as every list (1 to 200, default 50).
        let limit = Page::parse(request.limit, None, None)?.limit;
        let after = match request.after.as_deref().filter(|after| !after.is_empty()) {
            Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| invalid("after", "is not an event id", Some(raw)))?),
            None => None,
        };
        let query = FeedQuery {
            organization_id: caller.organization_id,
            after,
            kinds: kinds(request.event_names.as_deref())?,
            since: request.since,
            // A text that is neither an id nor a slug names no customer: the nil id matches nothing.
            customer: request
                .customer
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|customer| CustomerRef::parse(customer).unwrap_or(CustomerRef::Id(Uuid::nil()))),
            limit: limit + 1,
        };
        let mut events = self.feed.page(&query).await.map_err(|error| match error {
            FeedError::UnknownCursor => {
                invalid("after", "names no event this feed still holds", request.after.as_deref())
            }
            FeedError::Store(error) => UseCaseError::from_repo("event", error),
        })?;
        let has_more = events.len() as i64 > limit;
        events.truncate(limit as usize);
        let next_cursor = events.last().map(|event| event.id.simple().to_string()).or(request.after);
        let naming = self.naming(caller).await?;
        let items = events.into_iter().map(|event| Self::body(event, caller, naming)).collect();
        Ok(FeedPage { items, has_more, next_cursor })
    }

    pub async fn get(&self, caller: &Caller, id: &str) -> Result<Value, UseCaseError> {
        caller.require(Access::Read, Module::Events)?;
        let id = Uuid::parse_str(id).map_err(|_| UseCaseError::NotFound("event"))?;
        let event = self.feed.find(caller.organization_id, id).await?.ok_or(UseCaseError::NotFound("event"))?;
        let naming = self.naming(caller).await?;
        Ok(Self::body(event, caller, naming))
    }
}
