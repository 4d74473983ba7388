//! Organizations, service accounts and their tokens as the API shows and takes them.

use crate::catalog::EventNaming;
use crate::values::{Actor, Slug};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A vendor's organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub created_at: DateTime<Utc>,
    /// The spelling of event names its webhooks carry: `classic` (`CUSTOMER_CREATION`, the default)
    /// or `current` (Kaiten's `CUSTOMER_CREATED`).
    pub webhook_event_names: EventNaming,
}

impl From<kaiten_domain::organization::Organization> for Organization {
    fn from(value: kaiten_domain::organization::Organization) -> Self {
        Self {
            id: value.id,
            name: value.name,
            slug: value.slug.into(),
            created_at: value.created_at,
            webhook_event_names: value.webhook_event_names.into(),
        }
    }
}

/// The body of `PUT /api/organization`: the organization's webhook settings.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationSettings {
    pub webhook_event_names: EventNaming,
}

impl From<OrganizationSettings> for kaiten_domain::organization::OrganizationSettings {
    fn from(value: OrganizationSettings) -> Self {
        Self { webhook_event_names: value.webhook_event_names.into() }
    }
}

/// A non-human API client of an organization; tokens are issued to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

impl From<kaiten_domain::token::ServiceAccount> for ServiceAccount {
    fn from(value: kaiten_domain::token::ServiceAccount) -> Self {
        Self {
            id: value.id,
            name: value.name,
            slug: value.slug.into(),
            created_at: value.created_at,
            created_by: value.created_by.into(),
        }
    }
}

/// A service account as the API shows it: with its tokens' metadata (newest first, at most
/// [`TOKENS_SHOWN`]).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceAccountView {
    #[serde(flatten)]
    pub account: ServiceAccount,
    pub tokens: Vec<ApiToken>,
}

impl From<kaiten_domain::token::ServiceAccountView> for ServiceAccountView {
    fn from(value: kaiten_domain::token::ServiceAccountView) -> Self {
        Self { account: value.account.into(), tokens: value.tokens.into_iter().map(Into::into).collect() }
    }
}

/// The body of `PUT /api/service-accounts/{slug}`: its new name (the slug stays).
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountUpdate {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
}

impl From<ServiceAccountUpdate> for kaiten_domain::token::ServiceAccountUpdate {
    fn from(value: ServiceAccountUpdate) -> Self {
        Self { name: value.name }
    }
}

/// The body of `POST /api/service-accounts`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewServiceAccount {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
}

impl From<NewServiceAccount> for kaiten_domain::token::NewServiceAccount {
    fn from(value: NewServiceAccount) -> Self {
        Self { name: value.name, slug: value.slug }
    }
}

/// A token's metadata (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    #[schema(value_type = Vec<String>, example = json!(["read:customers", "write:instances"]))]
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    #[serde(default)]
    pub service_account_id: Uuid,
}

impl From<kaiten_domain::token::ApiToken> for ApiToken {
    fn from(value: kaiten_domain::token::ApiToken) -> Self {
        Self {
            id: value.id,
            name: value.name,
            slug: value.slug.into(),
            scopes: value.scopes.to_strings(),
            expires_at: value.expires_at,
            revoked_at: value.revoked_at,
            revoked_by: value.revoked_by.map(Into::into),
            created_at: value.created_at,
            created_by: value.created_by.into(),
            service_account_id: value.service_account_id,
        }
    }
}

/// The body of `POST /api/service-accounts/{slug}/tokens`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewApiToken {
    #[schema(schema_with = crate::values::name_schema)]
    pub name: String,
    #[schema(schema_with = crate::values::slug_schema)]
    pub slug: Option<String>,
    /// The scopes the token grants; absent or `null`: the scopes of the token that creates it.
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<NewApiToken> for kaiten_domain::token::NewApiToken {
    fn from(value: NewApiToken) -> Self {
        Self { name: value.name, slug: value.slug, scopes: value.scopes, expires_at: value.expires_at }
    }
}
