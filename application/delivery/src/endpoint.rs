//! The built-in engine's endpoint: one model, from the store to the signed request. Its id, URL and
//! signing secrets are their own types, so none is taken for another, and a secret never shows in
//! logs or debug output.

use chrono::{DateTime, Utc};
use kaiten_domain::EventKind;
use kaiten_domain::webhook::{EndpointRef, WebhookEndpoint};
use kaiten_domain::webhook_headers::EndpointHeader;
use kaiten_domain::webhook_scope::CustomerScope;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use uuid::Uuid;

/// An endpoint's id in the built-in engine (a UUID; the API shows it as text, and a task carries it
/// as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct EndpointId(Uuid);

impl EndpointId {
    pub fn new(id: Uuid) -> Self {
        Self(id)
    }

    pub fn as_uuid(self) -> Uuid {
        self.0
    }

    /// The endpoint `id` names, if it names one of the built-in engine's (a UUID): anything else
    /// names none.
    pub fn from_ref(id: &EndpointRef) -> Option<Self> {
        Uuid::parse_str(id.as_str()).ok().map(Self)
    }
}

impl From<EndpointId> for EndpointRef {
    fn from(id: EndpointId) -> Self {
        EndpointRef::new(id.0.to_string())
    }
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an endpoint's requests go: a URL the destination policy accepted when it was stored (and
/// checks again, resolved, before each request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// A URL as the store holds it (validated by the endpoint's input rules when it was written).
    pub fn stored(url: String) -> Self {
        Self(url)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `whsec_…` signing secret: shown only where it is handed to the signer, the store or its owner.
#[derive(Clone)]
pub struct SigningSecret(SecretString);

impl SigningSecret {
    pub fn new(secret: String) -> Self {
        Self(SecretString::from(secret))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(whsec_****)")
    }
}

/// Equal when the secrets are (for tests and change detection; never to check a signature).
impl PartialEq for SigningSecret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// What a resend needs to know of a stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageEvent {
    pub kind: EventKind,
    /// The customer the event concerns (`None`: organization-wide).
    pub customer_id: Option<Uuid>,
    /// The endpoint an operational event is about.
    pub about_endpoint: Option<EndpointId>,
    /// A test send, which goes to one endpoint only.
    pub test: bool,
}

/// A stored endpoint with everything delivery needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub id: EndpointId,
    pub organization_id: Uuid,
    pub url: WebhookUrl,
    pub description: String,
    /// Empty = every event.
    pub events: Vec<EventKind>,
    /// Whose events it receives.
    pub scope: CustomerScope,
    pub disabled: bool,
    pub secret: SigningSecret,
    /// After a rotation: the previous secret and until when it still signs.
    pub previous_secret: Option<(SigningSecret, DateTime<Utc>)>,
    /// Custom request headers, each with its value.
    pub headers: Vec<EndpointHeader>,
    /// It answered 429/503 with `Retry-After`: no attempt is made to it before then.
    pub paused_until: Option<DateTime<Utc>>,
    /// Deliveries a second at most, across every worker.
    pub rate_limit: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    /// Whether `event` goes to it: a domain event when it subscribes to every event or names it,
    /// an operational one only when it names it and is not the endpoint it is about; either only
    /// if its customer scope admits the event's customer.
    pub fn receives(&self, event: MessageEvent) -> bool {
        let named = self.events.contains(&event.kind) || (self.events.is_empty() && !event.kind.is_operational());
        named && self.scope.admits(event.customer_id) && event.about_endpoint != Some(self.id)
    }

    /// The secrets that sign a request made at `now`: the current one, and the previous one
    /// during its overlap after a rotation.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<SigningSecret> {
        let mut secrets = vec![self.secret.clone()];
        if let Some((previous, until)) = &self.previous_secret
            && *until > now
        {
            secrets.push(previous.clone());
        }
        secrets
    }

    /// The endpoint as the management port gives it (with its secret; lists mask it).
    pub fn to_api(&self) -> WebhookEndpoint {
        let (event_names, event_types) = kaiten_domain::webhook::subscription_names(&self.events);
        WebhookEndpoint {
            id: self.id.into(),
            url: self.url.as_str().to_owned(),
            event_names,
            event_types,
            description: self.description.clone(),
            disabled: self.disabled,
            customer_ids: self.scope.customers.clone(),
            include_organization_events: self.scope.include_organization_events,
            deleted_customer_ids: Vec::new(),
            headers: self.headers.iter().map(EndpointHeader::view).collect(),
            rate_limit: self.rate_limit,
            signing_secret: self.secret.expose().to_owned(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}
