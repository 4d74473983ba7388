//! API tokens: stored by the SHA-256 of their secret, listed per service account.

use crate::accounts::slug;
use crate::actor_column::ActorColumn;
use crate::connection::ConnectionSource;
use crate::errors::repo_error;
use crate::schema::{api_tokens, service_accounts};
use crate::scoped::newest_page_and_total;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use kaiten_application::RepoError;
use kaiten_application::ports::accounts::TokenRepository;
use kaiten_domain::token::{ApiToken, ServiceAccount};
use kaiten_domain::{Actor, Page, PageKey, Paged, ScopeSet, Slug, clock};
use uuid::Uuid;

#[derive(Queryable, QueryableByName, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
struct TokenRow {
    id: Uuid,
    organization_id: Uuid,
    service_account_id: Uuid,
    name: String,
    slug: String,
    scopes: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    revoked_by: Option<ActorColumn>,
    created_at: DateTime<Utc>,
    created_by: ActorColumn,
}

impl TokenRow {
    fn into_domain(self) -> Result<ApiToken, RepoError> {
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            slug: slug(&self.slug)?,
            scopes: ScopeSet::parse(&self.scopes).map_err(|e| RepoError::Unexpected(e.join("; ")))?,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
            revoked_by: self.revoked_by.map(|by| by.0),
            created_at: self.created_at,
            created_by: self.created_by.0,
            organization_id: self.organization_id,
            service_account_id: self.service_account_id,
        })
    }
}

pub(crate) struct PgTokenRepository {
    source: ConnectionSource,
}

impl PgTokenRepository {
    pub(crate) fn new(source: ConnectionSource) -> Self {
        Self { source }
    }
}

#[async_trait]
impl TokenRepository for PgTokenRepository {
    async fn insert(&self, t: &ApiToken, secret_sha256: &str) -> Result<(), RepoError> {
        let mut conn = self.source.get().await?;
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::id.eq(t.id),
                api_tokens::organization_id.eq(t.organization_id),
                api_tokens::service_account_id.eq(t.service_account_id),
                api_tokens::name.eq(&t.name),
                api_tokens::slug.eq(t.slug.as_str()),
                api_tokens::secret_sha256.eq(secret_sha256),
                api_tokens::scopes.eq(t.scopes.to_strings()),
                api_tokens::expires_at.eq(t.expires_at),
                api_tokens::created_at.eq(t.created_at),
                api_tokens::created_by.eq(ActorColumn::from(&t.created_by)),
            ))
            .execute(&mut *conn)
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn find_by_hash(&self, secret_sha256: &str) -> Result<Option<(ApiToken, Actor)>, RepoError> {
        let mut conn = self.source.get().await?;
        let row: Option<(TokenRow, String)> = api_tokens::table
            .inner_join(service_accounts::table)
            .filter(api_tokens::secret_sha256.eq(secret_sha256))
            .select((TokenRow::as_select(), service_accounts::name))
            .first(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(|(token, account_name)| {
            let owner = Actor::new(token.service_account_id, account_name);
            Ok((token.into_domain()?, owner))
        })
        .transpose()
    }

    async fn find_by_slug(&self, account: &ServiceAccount, s: &Slug) -> Result<Option<ApiToken>, RepoError> {
        let mut conn = self.source.get().await?;
        let row = api_tokens::table
            .filter(api_tokens::service_account_id.eq(account.id))
            .filter(api_tokens::organization_id.eq(account.organization_id))
            .filter(api_tokens::slug.eq(s.as_str()))
            .select(TokenRow::as_select())
            .first(&mut *conn)
            .await
            .optional()
            .map_err(repo_error)?;
        row.map(TokenRow::into_domain).transpose()
    }

    async fn list(&self, account: &ServiceAccount, page: Page) -> Result<Paged<ApiToken>, RepoError> {
        let mut conn = self.source.get().await?;
        let scope =
            api_tokens::service_account_id.eq(account.id).and(api_tokens::organization_id.eq(account.organization_id));
        let conn = &mut *conn;
        let (rows, total): (Vec<TokenRow>, i64) = newest_page_and_total!(conn, api_tokens, page,
            rows: api_tokens::table.filter(scope).into_boxed(),
            select: TokenRow::as_select(),
            count: api_tokens::table.filter(scope),
        )?;
        Paged::from_keyset(rows, total, page, |r| PageKey { created_at: r.created_at, id: r.id })
            .try_map(TokenRow::into_domain)
    }

    async fn newest_of(
        &self,
        organization_id: Uuid,
        account_ids: &[Uuid],
        per_account: i64,
    ) -> Result<Vec<ApiToken>, RepoError> {
        use diesel::sql_types::{Array, BigInt, Uuid as SqlUuid};
        let mut conn = self.source.get().await?;
        let rows: Vec<TokenRow> = diesel::sql_query(
            "SELECT t.* FROM unnest($1::uuid[]) AS account(id)
             CROSS JOIN LATERAL (SELECT * FROM api_tokens
                                 WHERE organization_id = $2 AND service_account_id = account.id
                                 ORDER BY created_at DESC, id DESC LIMIT $3) AS t",
        )
        .bind::<Array<SqlUuid>, _>(account_ids)
        .bind::<SqlUuid, _>(organization_id)
        .bind::<BigInt, _>(per_account)
        .load(&mut *conn)
        .await
        .map_err(repo_error)?;
        rows.into_iter().map(TokenRow::into_domain).collect()
    }

    async fn revoke(&self, t: &ApiToken, by: &Actor) -> Result<ApiToken, RepoError> {
        use diesel::sql_types::{Jsonb, Nullable, Timestamptz};
        let mut conn = self.source.get().await?;
        let row = diesel::update(api_tokens::table)
            .filter(api_tokens::id.eq(t.id))
            .filter(api_tokens::organization_id.eq(t.organization_id))
            .set((
                api_tokens::revoked_at.eq(diesel::dsl::sql::<Nullable<Timestamptz>>("coalesce(revoked_at, ")
                    .bind::<Timestamptz, _>(clock::now())
                    .sql(")")),
                api_tokens::revoked_by.eq(diesel::dsl::sql::<Nullable<Jsonb>>("coalesce(revoked_by, ")
                    .bind::<Jsonb, _>(ActorColumn::from(by))
                    .sql(")")),
            ))
            .returning(TokenRow::as_returning())
            .get_result(&mut *conn)
            .await
            .map_err(repo_error)?;
        row.into_domain()
    }
}
