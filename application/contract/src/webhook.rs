//! Webhook endpoints, their custom headers, delivered messages and their attempts, as the API shows
//! and takes them.

use crate::mirror::mirror_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// An endpoint as the API returns it. `signingSecret` is masked in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    /// Catalog names of the subscribed events; empty = every domain event (operational events only
    /// when named).
    pub event_names: Vec<String>,
    /// The same subscription as catalog types.
    pub event_types: Vec<String>,
    pub description: String,
    pub disabled: bool,
    /// The customers whose events it receives (their ids); empty = every event.
    pub customer_ids: Vec<uuid::Uuid>,
    /// With `customerIds`: the organization-wide events too (entitlements, licenses, zones, releases,
    /// flags).
    pub include_organization_events: bool,
    /// The customers of `customerIds` deleted since: the endpoint got each one's CUSTOMER_DELETION and
    /// receives nothing more of it. Drop them (PUT `customerIds`) or delete the endpoint.
    pub deleted_customer_ids: Vec<uuid::Uuid>,
    /// Custom request headers every delivery carries; secret values are not shown.
    pub headers: Vec<EndpointHeaderView>,
    /// Deliveries a second at most; `null`: no limit.
    pub rate_limit: Option<u32>,
    /// `whsec_…`; verify signatures with it (Standard Webhooks / Svix libraries).
    pub signing_secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<kaiten_domain::webhook::WebhookEndpoint> for WebhookEndpoint {
    fn from(value: kaiten_domain::webhook::WebhookEndpoint) -> Self {
        Self {
            id: value.id.into(),
            url: value.url,
            event_names: value.event_names,
            event_types: value.event_types,
            description: value.description,
            disabled: value.disabled,
            customer_ids: value.customer_ids,
            include_organization_events: value.include_organization_events,
            deleted_customer_ids: value.deleted_customer_ids,
            headers: value.headers.into_iter().map(Into::into).collect(),
            rate_limit: value.rate_limit,
            signing_secret: value.signing_secret,
            created_at: value.created_at,
            updated_at: value.updated_at,
        }
    }
}

mirror_enum! {
    /// The state of one delivery attempt (Svix's vocabulary).
    #[serde(rename_all = "lowercase")]
    pub enum AttemptStatus mirrors kaiten_domain::webhook::AttemptStatus {
        Success,
        Pending,
        Fail,
        Sending,
    }
}

mirror_enum! {
    /// How a response body is written in `responseBody`: as it came when it is UTF-8 text without NUL
    /// characters, otherwise its bytes in base64 (binary, compressed or invalid text keeps every byte).
    #[serde(rename_all = "lowercase")]
    pub enum BodyEncoding mirrors kaiten_domain::webhook::BodyEncoding {
        Text,
        Base64,
    }
}

/// One delivery attempt, newest first in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttempt {
    pub id: String,
    /// The outbox id of the event.
    pub event_id: String,
    /// The `webhook-id` the receiver saw.
    pub message_id: String,
    pub endpoint_id: String,
    pub url: String,
    pub event_name: String,
    pub event_type: String,
    pub status: AttemptStatus,
    pub response_status_code: Option<i32>,
    /// The start of the response body (at most 20 KB), or why there was no response; base64 when the
    /// body was not text (`responseBodyEncoding`).
    pub response_body: String,
    pub response_body_encoding: BodyEncoding,
    pub duration_ms: i64,
    pub timestamp: DateTime<Utc>,
    /// An attempt of a test send (`POST /api/webhooks/{id}/test`).
    pub test: bool,
}

impl From<kaiten_domain::webhook::DeliveryAttempt> for DeliveryAttempt {
    fn from(value: kaiten_domain::webhook::DeliveryAttempt) -> Self {
        Self {
            id: value.id,
            event_id: value.event_id,
            message_id: value.message_id,
            endpoint_id: value.endpoint_id.into(),
            url: value.url,
            event_name: value.event_name,
            event_type: value.event_type,
            status: value.status.into(),
            response_status_code: value.response_status_code,
            response_body: value.response_body,
            response_body_encoding: value.response_body_encoding.into(),
            duration_ms: value.duration_ms,
            timestamp: value.timestamp,
            test: value.test,
        }
    }
}

/// A delivered message: the exact body and one page of its attempts, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookMessage {
    pub event_id: String,
    pub message_id: String,
    pub event_name: String,
    pub event_type: String,
    /// The body POSTed to the endpoints: `{name, type, data}`.
    pub payload: Value,
    /// A test send (`POST /api/webhooks/{id}/test`): its body is the catalog's example.
    pub test: bool,
    pub timestamp: DateTime<Utc>,
    /// At most `limit` attempts, newest first, older than `before` when it was given.
    pub attempts: Vec<DeliveryAttempt>,
    /// When older attempts exist: pass this as `before` to read the next page.
    pub more_attempts_before: Option<String>,
}

impl From<kaiten_domain::webhook::WebhookMessage> for WebhookMessage {
    fn from(value: kaiten_domain::webhook::WebhookMessage) -> Self {
        Self {
            event_id: value.event_id,
            message_id: value.message_id,
            event_name: value.event_name,
            event_type: value.event_type,
            payload: value.payload,
            test: value.test,
            timestamp: value.timestamp,
            attempts: value.attempts.into_iter().map(Into::into).collect(),
            more_attempts_before: value.more_attempts_before,
        }
    }
}

/// The body of `POST /api/webhooks`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhookEndpoint {
    pub url: String,
    /// Catalog names (`CUSTOMER_CREATION`); empty or omitted = every domain event (the operational
    /// events, `WEBHOOK_*`, go only to endpoints that name them).
    pub event_names: Option<Vec<String>>,
    /// Catalog types (`com.kaiten.customer.v1.created`), accepted instead of or next to names.
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    /// Customers (ids or slugs, at most 100) whose events it receives; empty or omitted = every event.
    pub customer_ids: Option<Vec<String>>,
    /// With `customerIds`: the organization-wide events too (default false).
    pub include_organization_events: Option<bool>,
    /// Custom request headers (at most 20) every delivery carries.
    pub headers: Option<Vec<EndpointHeaderInput>>,
    /// At most this many deliveries a second to it (1 to 10,000), whatever the number of workers;
    /// the others wait their turn. Omitted: no limit.
    #[schema(minimum = 1, maximum = 10000)]
    pub rate_limit: Option<u32>,
}

impl From<NewWebhookEndpoint> for kaiten_domain::webhook::NewWebhookEndpoint {
    fn from(value: NewWebhookEndpoint) -> Self {
        Self {
            url: value.url,
            event_names: value.event_names,
            event_types: value.event_types,
            description: value.description,
            disabled: value.disabled,
            customer_ids: value.customer_ids,
            include_organization_events: value.include_organization_events,
            headers: value.headers.map(|items| items.into_iter().map(Into::into).collect()),
            rate_limit: value.rate_limit,
        }
    }
}

/// The body of `PUT /api/webhooks/{id}`: omitted fields keep their value.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookEndpointChanges {
    pub url: Option<String>,
    pub event_names: Option<Vec<String>>,
    pub event_types: Option<Vec<String>>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    /// Customers (ids or slugs, at most 100); `[]` = every event again.
    pub customer_ids: Option<Vec<String>>,
    pub include_organization_events: Option<bool>,
    /// The whole set of custom headers (`[]` removes them all); a header given without `value` keeps
    /// its stored value.
    pub headers: Option<Vec<EndpointHeaderInput>>,
    /// Deliveries a second at most (1 to 10,000); `null` removes the limit.
    #[serde(default, deserialize_with = "kaiten_domain::serde_helpers::double_option")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub rate_limit: Option<Option<u32>>,
}

impl From<WebhookEndpointChanges> for kaiten_domain::webhook::WebhookEndpointChanges {
    fn from(value: WebhookEndpointChanges) -> Self {
        Self {
            url: value.url,
            event_names: value.event_names,
            event_types: value.event_types,
            description: value.description,
            disabled: value.disabled,
            customer_ids: value.customer_ids,
            include_organization_events: value.include_organization_events,
            headers: value.headers.map(|items| items.into_iter().map(Into::into).collect()),
            rate_limit: value.rate_limit,
        }
    }
}

/// One custom header in a request body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointHeaderInput {
    /// A header name (letters, digits and ``!#$%&'*+-.^_`|~``), at most 256 characters.
    #[schema(min_length = 1, max_length = 256)]
    pub name: String,
    /// At most 4096 printable ASCII characters, no line breaks. Required for a new header; left out on an update, the
    /// header keeps its stored value.
    #[schema(max_length = 4096)]
    pub value: Option<String>,
    /// Default true: the value is never shown again. Credential headers (`Authorization`,
    /// `X-Api-Key`, `X-Auth-Token`, `Cookie`) are always secret.
    pub secret: Option<bool>,
}

impl From<EndpointHeaderInput> for kaiten_domain::webhook_headers::EndpointHeaderInput {
    fn from(value: EndpointHeaderInput) -> Self {
        Self { name: value.name, value: value.value, secret: value.secret }
    }
}

/// One custom header as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EndpointHeaderView {
    pub name: String,
    /// `null` when the header is secret.
    pub value: Option<String>,
    pub secret: bool,
}

impl From<kaiten_domain::webhook_headers::EndpointHeaderView> for EndpointHeaderView {
    fn from(value: kaiten_domain::webhook_headers::EndpointHeaderView) -> Self {
        Self { name: value.name, value: value.value, secret: value.secret }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_rate_limit_removes_it_and_an_absent_one_keeps_it() {
        let removing: WebhookEndpointChanges = serde_json::from_str(r#"{"rateLimit": null}"#).unwrap_or_default();
        assert_eq!(removing.rate_limit, Some(None));
        let keeping: WebhookEndpointChanges = serde_json::from_str("{}").unwrap_or_default();
        assert_eq!(keeping.rate_limit, None);
        let limiting: WebhookEndpointChanges = serde_json::from_str(r#"{"rateLimit": 5}"#).unwrap_or_default();
        assert_eq!(limiting.rate_limit, Some(Some(5)));
    }
}
