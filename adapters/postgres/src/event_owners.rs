//! `PgEventOwners`: the organization each event id handed to Svix belongs to (`webhook_event_owners`).

use crate::connection::PgPool;
use crate::errors::repo_error;
use async_trait::async_trait;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::webhooks::EventOwners;
use uuid::Uuid;

pub struct PgEventOwners {
    pool: PgPool,
}

impl PgEventOwners {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl EventOwners for PgEventOwners {
    async fn claim(&self, event_id: Uuid, organization_id: Uuid) -> Result<bool, RepoError> {
        #[derive(diesel::QueryableByName)]
        struct Owner {
            #[diesel(sql_type = SqlUuid)]
            organization_id: Uuid,
        }
        let mut conn = crate::connection::pooled(&self.pool).await?;
        // One round trip: the row as inserted now, or as it already was.
        let owner: Owner = diesel::sql_query(
            "INSERT INTO webhook_event_owners (event_id, organization_id) VALUES ($1, $2) \
             ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id RETURNING organization_id",
        )
        .bind::<SqlUuid, _>(event_id)
        .bind::<SqlUuid, _>(organization_id)
        .get_result(&mut *conn)
        .await
        .map_err(repo_error)?;
        Ok(owner.organization_id == organization_id)
    }
}
