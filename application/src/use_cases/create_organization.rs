//! Creates an organization with an `admin` service account and a `write:*` token (operators' CLI).

use crate::error::UseCaseError;
use crate::ports::unit_of_work::{UnitOfWork, UnitOfWorkExt};
use crate::ports::webhooks::WebhookSender;
use crate::token_secret;
use kaiten_domain::organization::Organization;
use kaiten_domain::scope::{Scope, ScopeSet};
use kaiten_domain::token::{ApiToken, NewServiceAccount, ServiceAccount};
use kaiten_domain::{Actor, clock};
use std::sync::Arc;

/// The new organization and the secret of its first token (shown once).
#[derive(Debug, Clone)]
pub struct CreatedOrganization {
    pub organization: Organization,
    pub token: String,
}

pub struct CreateOrganization {
    uow: Arc<dyn UnitOfWork>,
    sender: Option<Arc<dyn WebhookSender>>,
}

impl CreateOrganization {
    /// With a `sender`, the organization's delivery (its Svix application) is prepared at once.
    pub fn new(uow: Arc<dyn UnitOfWork>, sender: Option<Arc<dyn WebhookSender>>) -> Self {
        Self { uow, sender }
    }

    pub async fn execute(&self, name: &str) -> Result<CreatedOrganization, UseCaseError> {
        let now = clock::now();
        let organization = Organization::create(name, now)?;
        let admin = NewServiceAccount { name: "Admin".into(), slug: Some("admin".into()) };
        // The organization's first changes are made by the operator, through the CLI.
        let operator = Actor::new(uuid::Uuid::nil(), "kaiten org create");
        let account = ServiceAccount::create(organization.id, admin, &operator, now)?;
        let token = ApiToken {
            id: uuid::Uuid::now_v7(),
            name: "Initial admin token".into(),
            slug: kaiten_domain::Slug::from_name("initial admin token")
                .map_err(|error| UseCaseError::Unexpected(error.to_string()))?,
            scopes: ScopeSet::new([Scope::WRITE_ALL]),
            expires_at: None,
            revoked_at: None,
            revoked_by: None,
            created_at: now,
            created_by: operator,
            organization_id: organization.id,
            service_account_id: account.id,
        };
        let secret = token_secret::generate();
        let hash = token_secret::hash(&secret);
        let stored = organization.clone();
        self.uow
            .run(|repos| async move {
                repos.organizations.insert(&stored).await.map_err(|e| UseCaseError::from_repo("organization", e))?;
                repos.service_accounts.insert(&account).await?;
                repos.tokens.insert(&token, &hash).await?;
                Ok::<_, UseCaseError>(())
            })
            .await?;
        if let Some(sender) = &self.sender
            && let Err(error) = sender.ensure_organization(&organization).await
        {
            // Delivery also prepares it on demand, at the organization's first event.
            tracing::warn!(%error, organization = %organization.id, "could not prepare webhook delivery yet");
        }
        Ok(CreatedOrganization { organization, token: secret })
    }
}
