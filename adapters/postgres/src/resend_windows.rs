//! `PgResendLimiter`: a fixed window per message in `webhook_resend_windows`, counted in one
//! statement, so concurrent resends of one message in any process are counted exactly.

use crate::connection::PgPool;
use crate::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::sql_types::{Integer, Interval, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::webhook_management::ResendLimiter;
use std::time::Duration;
use uuid::Uuid;

pub struct PgResendLimiter {
    pool: PgPool,
}

impl PgResendLimiter {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl ResendLimiter for PgResendLimiter {
    async fn admit(
        &self,
        organization_id: Uuid,
        event_id: Uuid,
        limit: u32,
        window: Duration,
    ) -> Result<Option<Duration>, RepoError> {
        #[derive(diesel::QueryableByName)]
        struct Counted {
            #[diesel(sql_type = Timestamptz)]
            window_start: DateTime<Utc>,
            #[diesel(sql_type = Integer)]
            resends: i32,
            #[diesel(sql_type = Timestamptz)]
            now: DateTime<Utc>,
        }
        let window_micros = i64::try_from(window.as_micros()).unwrap_or(i64::MAX);
        let mut conn = crate::connection::pooled(&self.pool).await?;
        // A window that has ended starts again at 1; otherwise the count goes up by one.
        let counted: Counted = diesel::sql_query(
            "INSERT INTO webhook_resend_windows AS w (event_id, organization_id, window_start, resends) \
             VALUES ($1, $2, now(), 1) \
             ON CONFLICT (event_id) DO UPDATE SET \
               window_start = CASE WHEN w.window_start <= now() - $3 THEN now() ELSE w.window_start END, \
               resends = CASE WHEN w.window_start <= now() - $3 THEN 1 ELSE w.resends + 1 END \
             RETURNING window_start, resends, now() AS now",
        )
        .bind::<SqlUuid, _>(event_id)
        .bind::<SqlUuid, _>(organization_id)
        .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(window_micros))
        .get_result(&mut *conn)
        .await
        .map_err(repo_error)?;
        if u32::try_from(counted.resends).unwrap_or(u32::MAX) <= limit {
            return Ok(None);
        }
        let ends = counted.window_start + chrono::Duration::microseconds(window_micros);
        Ok(Some((ends - counted.now).to_std().unwrap_or_default()))
    }
}
