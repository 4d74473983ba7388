//! `PgWebhookStore`: the built-in delivery engine's `WebhookStore` on PostgreSQL.

use crate::connection::{PgPool, PooledConnection};
use crate::webhook_accept_batch::AcceptBatches;
use crate::webhook_deliveries::{self as deliveries, Unclaimable};
use crate::webhook_settle_batch::SettleBatches;
use crate::{webhook_endpoints as endpoints, webhook_messages as messages, webhook_recoveries as recoveries};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kaiten_application::RepoError;
use kaiten_delivery::EndpointId;
use kaiten_delivery::ports::delivery::{
    Accepted, DeliveryTask, Endpoint, MessageEvent, NewMessage, Settlement, TaskClaim, WebhookStore,
};
use kaiten_domain::webhook::{AttemptPage, DeliveryAttempt, EndpointPatch, HistoryFilter, WebhookMessage};
use kaiten_domain::webhook_recovery::{RecoveryKind, RecoveryWindow};
use kaiten_domain::webhook_stats::{EndpointStats, StatsWindow};
use kaiten_domain::{Page, Paged};
use std::time::Duration;
use uuid::Uuid;

pub struct PgWebhookStore {
    pool: PgPool,
    accepts: AcceptBatches,
    settles: SettleBatches,
}

impl PgWebhookStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, accepts: AcceptBatches::new(), settles: SettleBatches::new() }
    }

    async fn connection(&self) -> Result<PooledConnection, RepoError> {
        crate::connection::pooled(&self.pool).await
    }
}

#[async_trait]
impl WebhookStore for PgWebhookStore {
    async fn insert_endpoint(&self, endpoint: &Endpoint, max_endpoints: usize) -> Result<(), RepoError> {
        endpoints::insert(&mut *self.connection().await?, endpoint, max_endpoints).await
    }

    async fn list_endpoints(&self, organization_id: Uuid, page: Page) -> Result<Paged<Endpoint>, RepoError> {
        endpoints::list(&mut *self.connection().await?, organization_id, page).await
    }

    async fn find_endpoint(&self, organization_id: Uuid, id: EndpointId) -> Result<Option<Endpoint>, RepoError> {
        endpoints::find(&mut *self.connection().await?, organization_id, id.as_uuid()).await
    }

    async fn update_endpoint(
        &self,
        organization_id: Uuid,
        id: EndpointId,
        patch: EndpointPatch,
        new_secret: Option<(String, DateTime<Utc>)>,
    ) -> Result<Option<Endpoint>, RepoError> {
        endpoints::update(&mut *self.connection().await?, organization_id, id.as_uuid(), patch, new_secret).await
    }

    async fn delete_endpoint(&self, organization_id: Uuid, id: EndpointId) -> Result<bool, RepoError> {
        endpoints::delete(&mut *self.connection().await?, organization_id, id.as_uuid()).await
    }

    async fn accept_message(&self, message: &NewMessage, lease: Duration) -> Result<Accepted, RepoError> {
        self.accepts.accept(&self.pool, message, lease).await
    }

    async fn endpoint_stats(&self, endpoint_id: EndpointId, window: &StatsWindow) -> Result<EndpointStats, RepoError> {
        crate::webhook_stats::endpoint_stats(&mut *self.connection().await?, endpoint_id.as_uuid(), window).await
    }

    async fn insert_test_message(&self, message: &NewMessage) -> Result<(), RepoError> {
        messages::insert_test(&mut *self.connection().await?, message).await
    }

    async fn claim_task(&self, task: &DeliveryTask, lease: Duration) -> Result<TaskClaim, RepoError> {
        let mut conn = self.connection().await?;
        // A task is dropped only when it is certainly stale: one that raced the settlement of the
        // attempt before it is claimed again.
        for _ in 0..3 {
            if let Some(claim) = deliveries::claim_task(&mut conn, task, lease).await? {
                let message = messages::find(&mut conn, task.message_id).await?.ok_or(RepoError::NotFound)?;
                return Ok(TaskClaim::Claimed(Box::new((message.into_new_message()?, claim))));
            }
            match deliveries::why_unclaimable(&mut conn, task).await? {
                Unclaimable::ClaimedUntil(until) => return Ok(TaskClaim::ClaimedElsewhere(until)),
                Unclaimable::Stale => return Ok(TaskClaim::Stale),
                Unclaimable::ClaimableNow => {}
            }
        }
        Ok(TaskClaim::ClaimedElsewhere(chrono::Utc::now()))
    }

    async fn delivery_target(
        &self,
        message_id: Uuid,
        endpoint_id: EndpointId,
    ) -> Result<Option<(NewMessage, Endpoint)>, RepoError> {
        let mut conn = self.connection().await?;
        let Some(message) = messages::find(&mut conn, message_id).await? else { return Ok(None) };
        let message = message.into_new_message()?;
        let endpoint = endpoints::find(&mut conn, message.organization_id, endpoint_id.as_uuid()).await?;
        Ok(endpoint.map(|endpoint| (message, endpoint)))
    }

    async fn settle(
        &self,
        settlements: &[Settlement],
        disable_failing_since: DateTime<Utc>,
    ) -> Result<Vec<EndpointId>, RepoError> {
        self.settles.settle(&self.pool, settlements, disable_failing_since).await
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

    async fn message_event(&self, organization_id: Uuid, id: Uuid) -> Result<Option<MessageEvent>, RepoError> {
        let found = messages::find(&mut *self.connection().await?, id).await?;
        let Some(message) = found.filter(|message| message.organization_id() == organization_id) else {
            return Ok(None);
        };
        let test = message.is_test();
        Ok(Some(message.into_new_message()?.event(test)))
    }

    async fn reserve_send(&self, endpoint_id: EndpointId, rate: u32) -> Result<Duration, RepoError> {
        endpoints::reserve_send(&mut *self.connection().await?, endpoint_id.as_uuid(), rate).await
    }

    async fn enabled_endpoints(&self, organization_id: Uuid) -> Result<Vec<Endpoint>, RepoError> {
        endpoints::enabled(&mut *self.connection().await?, organization_id).await
    }

    async fn take_for_recovery(
        &self,
        endpoint_id: EndpointId,
        task_id: Uuid,
        kind: RecoveryKind,
        window: RecoveryWindow,
        limit: usize,
    ) -> Result<(Vec<(Uuid, u32)>, bool), RepoError> {
        let taken =
            recoveries::take(&mut *self.connection().await?, endpoint_id.as_uuid(), task_id, kind, window, limit)
                .await?;
        Ok((taken.deliveries, taken.more))
    }

    async fn put_back_recovery(
        &self,
        endpoint_id: EndpointId,
        kind: RecoveryKind,
        messages: &[Uuid],
    ) -> Result<(), RepoError> {
        recoveries::put_back(&mut *self.connection().await?, endpoint_id.as_uuid(), kind, messages).await
    }

    async fn recovery_progress(&self, task_id: Uuid) -> Result<(i64, i64, i64), RepoError> {
        recoveries::progress(&mut *self.connection().await?, task_id).await
    }
}
