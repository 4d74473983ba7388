//! `PgWebhookStore`: the built-in delivery engine's `WebhookStore` on PostgreSQL.

use crate::connection::{PgPool, PooledConnection};
use crate::{webhook_endpoints as endpoints, webhook_messages as messages};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_application::ports::delivery::{AttemptRecord, NewMessage, StoredEndpoint, WebhookStore};
use kaiten_application::{Conflict, RepoError};
use kaiten_domain::webhook::{
    AttemptPage, AttemptStatus, DeliveryAttempt, EndpointPatch, HistoryFilter, WebhookMessage,
};
use kaiten_domain::{EventKind, Page, Paged};
use uuid::Uuid;

pub struct PgWebhookStore {
    pool: PgPool,
}

impl PgWebhookStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    async fn connection(&self) -> Result<PooledConnection, RepoError> {
        self.pool.get().await.map_err(|e| RepoError::Unavailable(format!("no database connection: {e}")))
    }
}

#[async_trait]
impl WebhookStore for PgWebhookStore {
    async fn insert_endpoint(&self, endpoint: &StoredEndpoint, max_endpoints: usize) -> Result<(), RepoError> {
        endpoints::insert(&mut *self.connection().await?, endpoint, max_endpoints).await
    }

    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<StoredEndpoint>, RepoError> {
        endpoints::list(&mut *self.connection().await?, organization_id, page).await
    }

    async fn find_endpoint(&self, organization_id: Uuid, id: Uuid) -> Result<Option<StoredEndpoint>, RepoError> {
        endpoints::find(&mut *self.connection().await?, organization_id, id).await
    }

    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: Uuid,
        patch: EndpointPatch,
        new_secret: Option<(String, DateTime<Utc>)>,
    ) -> Result<Option<StoredEndpoint>, RepoError> {
        endpoints::update(&mut *self.connection().await?, organization_id, id, patch, new_secret).await
    }

    async fn delete_endpoint(&self, organization_id: Uuid, id: Uuid) -> Result<bool, RepoError> {
        endpoints::delete(&mut *self.connection().await?, organization_id, id).await
    }

    async fn accept_message(&self, message: &NewMessage) -> Result<(String, Vec<StoredEndpoint>), RepoError> {
        let mut conn = self.connection().await?;
        let (body, owner) = messages::accept(&mut conn, message).await?;
        if owner != message.organization_id {
            return Err(RepoError::Conflict(Conflict::new(
                "event_id_taken",
                format!("event {} belongs to another organization", message.id),
            )));
        }
        let due = endpoints::due_for(&mut conn, message.organization_id, message.kind.name(), message.id).await?;
        Ok((body, due))
    }

    async fn delivery_target(
        &self,
        message_id: Uuid,
        endpoint_id: Uuid,
    ) -> Result<Option<(NewMessage, StoredEndpoint)>, RepoError> {
        let mut conn = self.connection().await?;
        let Some(message) = messages::find(&mut conn, message_id).await? else { return Ok(None) };
        let message = message.into_new_message()?;
        let endpoint = endpoints::find(&mut conn, message.organization_id, endpoint_id).await?;
        Ok(endpoint.map(|endpoint| (message, endpoint)))
    }

    async fn record_attempts(
        &self,
        attempts: &[AttemptRecord],
        disable_failing_since: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, RepoError> {
        let mut conn = self.connection().await?;
        messages::insert_attempts(&mut conn, attempts).await?;
        let (succeeded, failed): (Vec<&AttemptRecord>, Vec<&AttemptRecord>) =
            attempts.iter().partition(|attempt| attempt.status == AttemptStatus::Success);
        let gone =
            failed.iter().filter(|attempt| attempt.disable_endpoint).map(|attempt| attempt.endpoint_id).collect();
        let succeeded = succeeded.iter().map(|attempt| attempt.endpoint_id).collect();
        let failed = failed.iter().map(|attempt| attempt.endpoint_id).collect();
        messages::update_streaks(&mut conn, succeeded, failed, gone, disable_failing_since).await
    }

    async fn history(
        &self,
        organization_id: Uuid,
        filter: &HistoryFilter,
    ) -> Result<Paged<DeliveryAttempt>, RepoError> {
        messages::history(&mut *self.connection().await?, organization_id, filter).await
    }

    async fn message(
        &self,
        organization_id: Uuid,
        id: Uuid,
        attempts: &AttemptPage,
    ) -> Result<Option<WebhookMessage>, RepoError> {
        messages::inspect(&mut *self.connection().await?, organization_id, id, attempts).await
    }

    async fn message_event(&self, organization_id: Uuid, id: Uuid) -> Result<Option<EventKind>, RepoError> {
        let found = messages::find(&mut *self.connection().await?, id).await?;
        let Some(message) = found.filter(|message| message.organization_id() == organization_id) else {
            return Ok(None);
        };
        Ok(Some(message.into_new_message()?.kind))
    }

    async fn enabled_endpoints(&self, organization_id: Uuid) -> Result<Vec<StoredEndpoint>, RepoError> {
        endpoints::enabled(&mut *self.connection().await?, organization_id).await
    }
}
