//! The token cache on the real PostgreSQL: two processes' caches on one database, one revoking a
//! token the other holds; and a cache whose listener is not connected, which never serves from memory.

use kaiten_application::UnitOfWork;
use kaiten_application::use_cases::create_organization::CreateOrganization;
use kaiten_application::{Repositories, UnitOfWorkExt, token_secret};
use kaiten_domain::Slug;
use kaiten_postgres::{PgUnitOfWork, TokenCache, TokenChanges, pooled_repositories_with_token_cache};
use kaiten_test_support::{TestDatabase, wait_for};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// One API process's view of the database: its token cache, its reads and its unit of work.
struct Process {
    cache: Arc<TokenCache>,
    reads: Repositories,
    uow: Arc<dyn UnitOfWork>,
}

impl Process {
    async fn start(db: &TestDatabase, listening: Option<&CancellationToken>) -> anyhow::Result<Self> {
        let pool = kaiten_postgres::connect(&db.url, 4).await?;
        let cache = TokenCache::new();
        if let Some(stop) = listening {
            let (changes, stop) = (TokenChanges::new(db.url.clone(), cache.clone()), stop.clone());
            tokio::spawn(changes.run(async move { stop.cancelled().await }));
            let listening = cache.clone();
            wait_for(Duration::from_secs(10), || {
                let listening = listening.clone();
                async move { Ok(listening.is_listening().then_some(())) }
            })
            .await?;
        }
        let reads = pooled_repositories_with_token_cache(pool.clone(), cache.clone());
        let uow: Arc<dyn UnitOfWork> = Arc::new(PgUnitOfWork::new(pool).with_token_cache(cache.clone()));
        Ok(Self { cache, reads, uow })
    }

    async fn revoked(&self, hash: &str) -> anyhow::Result<bool> {
        let (token, _) = self.reads.tokens.find_by_hash(hash).await?.ok_or_else(|| anyhow::anyhow!("token gone"))?;
        Ok(token.revoked_at.is_some())
    }

    /// Revokes the organization's admin token, as `DELETE /api/service-accounts/admin/tokens/…` does.
    async fn revoke(&self, organization_id: uuid::Uuid) -> anyhow::Result<()> {
        let admin = Slug::from_name("admin").map_err(anyhow::Error::msg)?;
        let token_slug = Slug::from_name("initial admin token").map_err(anyhow::Error::msg)?;
        self.uow
            .run(|repos| async move {
                let account = repos.service_accounts.find_by_slug(organization_id, &admin).await?;
                let account = account.ok_or(kaiten_application::RepoError::Unexpected("no admin".into()))?;
                let token = repos.tokens.find_by_slug(&account, &token_slug).await?;
                let token = token.ok_or(kaiten_application::RepoError::Unexpected("no token".into()))?;
                repos.tokens.revoke(&token, &kaiten_domain::Actor::unknown()).await.map(|_| ())
            })
            .await?;
        Ok(())
    }
}

#[tokio::test]
async fn a_revocation_in_one_process_empties_the_other_process_cache() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let stop = CancellationToken::new();
    let first = Process::start(&db, Some(&stop)).await?;
    let second = Process::start(&db, Some(&stop)).await?;
    let created = CreateOrganization::new(first.uow.clone(), None).execute("Acme").await?;
    let hash = token_secret::hash(&created.token);

    assert!(!first.revoked(&hash).await?);
    assert!(first.cache.holds(&hash), "a token found while listening is held");
    assert!(!second.revoked(&hash).await?);
    assert!(second.cache.holds(&hash));

    second.revoke(created.organization.id).await?;
    assert!(!second.cache.holds(&hash), "the revoking process forgets the token at once");
    assert!(second.revoked(&hash).await?);
    let first_sees =
        wait_for(Duration::from_secs(10), || async { Ok(first.revoked(&hash).await?.then_some(())) }).await;
    stop.cancel();
    first_sees.map_err(|_| anyhow::anyhow!("the other process still serves the revoked token"))?;
    Ok(())
}

#[tokio::test]
async fn a_cache_whose_listener_is_not_connected_reads_the_database_every_time() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let stop = CancellationToken::new();
    let listening = Process::start(&db, Some(&stop)).await?;
    let deaf = Process::start(&db, None).await?;
    let created = CreateOrganization::new(listening.uow.clone(), None).execute("Acme").await?;
    let hash = token_secret::hash(&created.token);

    assert!(!deaf.revoked(&hash).await?);
    assert!(!deaf.cache.holds(&hash), "nothing is cached without a listener");
    listening.revoke(created.organization.id).await?;
    let seen_at_once = deaf.revoked(&hash).await;
    stop.cancel();
    assert!(seen_at_once?, "without a listener a revocation is seen by the next lookup");
    Ok(())
}

#[tokio::test]
async fn renaming_a_service_account_forgets_its_tokens_at_once() -> anyhow::Result<()> {
    let db = TestDatabase::new();
    let stop = CancellationToken::new();
    let process = Process::start(&db, Some(&stop)).await?;
    let created = CreateOrganization::new(process.uow.clone(), None).execute("Acme").await?;
    let hash = token_secret::hash(&created.token);
    let (_, before) = process.reads.tokens.find_by_hash(&hash).await?.ok_or_else(|| anyhow::anyhow!("no token"))?;
    assert!(process.cache.holds(&hash));
    let organization_id = created.organization.id;
    process
        .uow
        .run(|repos| async move {
            let admin = Slug::from_name("admin").map_err(kaiten_application::RepoError::from)?;
            let account = repos.service_accounts.find_by_slug(organization_id, &admin).await?;
            let mut account = account.ok_or(kaiten_application::RepoError::Unexpected("no admin".into()))?;
            account.name = "Release bot".into();
            repos.service_accounts.rename(&account).await
        })
        .await?;
    let held_after_rename = process.cache.holds(&hash);
    let (_, after) = process.reads.tokens.find_by_hash(&hash).await?.ok_or_else(|| anyhow::anyhow!("no token"))?;
    stop.cancel();
    assert!(!held_after_rename, "the rename emptied the cache before it returned");
    assert_eq!((before.name.as_deref(), after.name.as_deref()), (Some("Admin"), Some("Release bot")));
    Ok(())
}
