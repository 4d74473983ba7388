//! `PgCustomerDirectory`: which customers of an organization exist, by id or slug, in one statement
//! (for endpoints scoped to customers).

use crate::connection::PgPool;
use crate::errors::repo_error;
use async_trait::async_trait;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::webhook_management::CustomerDirectory;
use uuid::Uuid;

pub struct PgCustomerDirectory {
    pool: PgPool,
}

impl PgCustomerDirectory {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl CustomerDirectory for PgCustomerDirectory {
    async fn existing(
        &self,
        organization_id: Uuid,
        ids: &[Uuid],
        slugs: &[String],
    ) -> Result<Vec<(Uuid, String)>, RepoError> {
        #[derive(diesel::QueryableByName)]
        struct Found {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
            #[diesel(sql_type = Text)]
            slug: String,
        }
        let mut conn = crate::connection::pooled(&self.pool).await?;
        let found: Vec<Found> = diesel::sql_query(
            "SELECT id, slug FROM customers WHERE organization_id = $1 AND (id = ANY ($2) OR slug = ANY ($3))",
        )
        .bind::<SqlUuid, _>(organization_id)
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Array<Text>, _>(slugs)
        .load(&mut conn)
        .await
        .map_err(repo_error)?;
        Ok(found.into_iter().map(|row| (row.id, row.slug)).collect())
    }
}
