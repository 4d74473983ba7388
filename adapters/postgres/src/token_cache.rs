//! The token lookup every API request makes, served from memory while this process listens to the
//! database's token changes, so an authenticated request costs no round trip for its token.
//!
//! Migration 000019's triggers `NOTIFY kaiten_api_tokens` whenever a token or a service account is
//! updated or deleted (a revocation is an update), when that transaction commits. `TokenChanges`
//! holds `LISTEN kaiten_api_tokens` open on a connection of its own, and every notification empties the
//! [`TokenCache`]. While it is not listening (not yet connected, or reconnecting after the connection
//! broke) every lookup goes to the database and nothing is cached, so no notification can be missed
//! unnoticed. A lookup that read the database before a notification and would store after it is
//! dropped (a generation counter), and a revocation or a service account's rename made through this
//! process empties its cache before it commits. Entries expire after [`TokenCache::TIME_TO_LIVE`] in any case and at most
//! [`TokenCache::CAPACITY`] are held; unknown tokens are never cached. So a revoked or expired token
//! is refused by this process as soon as the revocation's notification arrives (expiry is checked on
//! every request), and by the revoking process at once.

use async_trait::async_trait;
use kaiten_application::RepoError;
use kaiten_application::ports::accounts::{ServiceAccountRepository, TokenRepository};
use kaiten_domain::token::{ApiToken, ServiceAccount};
use kaiten_domain::{Actor, Page, Paged, Slug};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// The channel migration 000019's triggers notify.
pub(crate) const CHANNEL: &str = "kaiten_api_tokens";

type Entry = Arc<(ApiToken, Actor)>;

/// Tokens found by the hash of their secret, trusted only while [`TokenChanges`] listens.
pub struct TokenCache {
    entries: moka::sync::Cache<String, Entry>,
    /// Moves on every invalidation; a lookup stores its result only if it has not moved meanwhile.
    generation: AtomicU64,
    listening: AtomicBool,
}

impl TokenCache {
    pub const CAPACITY: u64 = 10_000;
    pub const TIME_TO_LIVE: Duration = Duration::from_secs(60);

    pub fn new() -> Arc<Self> {
        let entries =
            moka::sync::Cache::builder().max_capacity(Self::CAPACITY).time_to_live(Self::TIME_TO_LIVE).build();
        Arc::new(Self { entries, generation: AtomicU64::new(0), listening: AtomicBool::new(false) })
    }

    /// Whether lookups are served from memory (the listener is subscribed).
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// Whether the token with this secret hash is held (for tests and metrics).
    pub fn holds(&self, secret_sha256: &str) -> bool {
        self.is_listening() && self.entries.contains_key(secret_sha256)
    }

    fn get(&self, secret_sha256: &str) -> Option<Entry> {
        if self.is_listening() { self.entries.get(secret_sha256) } else { None }
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Stores what a lookup begun at `generation` found, unless the cache was emptied since.
    fn store(&self, secret_sha256: &str, found: Entry, generation: u64) {
        if !self.is_listening() || self.generation() != generation {
            return;
        }
        self.entries.insert(secret_sha256.to_owned(), found);
        // An invalidation between the check above and the insert must not leave it behind.
        if self.generation() != generation {
            self.entries.invalidate(secret_sha256);
        }
    }

    /// Empties the cache: every lookup from now on, and every one in flight, reads the database.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.invalidate_all();
    }

    pub(crate) fn set_listening(&self, listening: bool) {
        if listening {
            self.forget_all();
            self.listening.store(true, Ordering::SeqCst);
        } else {
            self.listening.store(false, Ordering::SeqCst);
            self.forget_all();
        }
    }
}

/// The token repository with `find_by_hash` served through a [`TokenCache`].
pub(crate) struct CachedTokenRepository {
    inner: Arc<dyn TokenRepository>,
    cache: Arc<TokenCache>,
}

impl CachedTokenRepository {
    pub(crate) fn new(inner: Arc<dyn TokenRepository>, cache: Arc<TokenCache>) -> Self {
        Self { inner, cache }
    }
}

#[async_trait]
impl TokenRepository for CachedTokenRepository {
    async fn insert(&self, token: &ApiToken, secret_sha256: &str) -> Result<(), RepoError> {
        self.inner.insert(token, secret_sha256).await
    }

    async fn find_by_hash(&self, secret_sha256: &str) -> Result<Option<(ApiToken, Actor)>, RepoError> {
        if let Some(entry) = self.cache.get(secret_sha256) {
            return Ok(Some((*entry).clone()));
        }
        let generation = self.cache.generation();
        let found = self.inner.find_by_hash(secret_sha256).await?;
        if let Some(found) = &found {
            self.cache.store(secret_sha256, Arc::new(found.clone()), generation);
        }
        Ok(found)
    }

    async fn find_by_slug(&self, account: &ServiceAccount, slug: &Slug) -> Result<Option<ApiToken>, RepoError> {
        self.inner.find_by_slug(account, slug).await
    }

    async fn list(&self, account: &ServiceAccount, page: Page) -> Result<Paged<ApiToken>, RepoError> {
        self.inner.list(account, page).await
    }

    async fn newest_of(
        &self,
        organization_id: Uuid,
        ids: &[Uuid],
        per_account: i64,
    ) -> Result<Vec<ApiToken>, RepoError> {
        self.inner.newest_of(organization_id, ids, per_account).await
    }

    async fn revoke(&self, token: &ApiToken, by: &Actor) -> Result<ApiToken, RepoError> {
        let revoked = self.inner.revoke(token, by).await?;
        self.cache.forget_all();
        Ok(revoked)
    }
}

/// The service-account repository whose renames empty the token cache (a token's actor carries its
/// account's name).
pub(crate) struct RenamesForgetTokens {
    inner: Arc<dyn ServiceAccountRepository>,
    cache: Arc<TokenCache>,
}

impl RenamesForgetTokens {
    pub(crate) fn new(inner: Arc<dyn ServiceAccountRepository>, cache: Arc<TokenCache>) -> Self {
        Self { inner, cache }
    }
}

#[async_trait]
impl ServiceAccountRepository for RenamesForgetTokens {
    async fn insert(&self, account: &ServiceAccount) -> Result<(), RepoError> {
        self.inner.insert(account).await
    }

    async fn find_by_slug(&self, organization_id: Uuid, slug: &Slug) -> Result<Option<ServiceAccount>, RepoError> {
        self.inner.find_by_slug(organization_id, slug).await
    }

    async fn list(&self, organization_id: Uuid, page: Page) -> Result<Paged<ServiceAccount>, RepoError> {
        self.inner.list(organization_id, page).await
    }

    async fn rename(&self, account: &ServiceAccount) -> Result<(), RepoError> {
        self.inner.rename(account).await?;
        self.cache.forget_all();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaiten_domain::clock;
    use kaiten_domain::scope::{Scope, ScopeSet};

    fn entry() -> Entry {
        let Ok(slug) = Slug::from_name("ci") else { unreachable!("a valid slug") };
        let owner = Actor::new(Uuid::now_v7(), "deploy bot");
        let token = ApiToken {
            id: Uuid::now_v7(),
            name: "ci".into(),
            slug,
            scopes: ScopeSet::new([Scope::WRITE_ALL]),
            expires_at: None,
            revoked_at: None,
            revoked_by: None,
            created_at: clock::now(),
            created_by: owner.clone(),
            organization_id: Uuid::now_v7(),
            service_account_id: owner.id,
        };
        Arc::new((token, owner))
    }

    #[test]
    fn nothing_is_cached_while_not_listening() {
        let cache = TokenCache::new();
        cache.store("hash", entry(), cache.generation());
        assert!(cache.get("hash").is_none());
        cache.set_listening(true);
        cache.store("hash", entry(), cache.generation());
        assert!(cache.get("hash").is_some());
        cache.set_listening(false);
        assert!(cache.get("hash").is_none(), "a cache whose listener stopped is bypassed");
        cache.set_listening(true);
        assert!(cache.get("hash").is_none(), "what was held before the listener stopped is gone");
    }

    #[test]
    fn a_lookup_that_raced_an_invalidation_is_not_stored() {
        let cache = TokenCache::new();
        cache.set_listening(true);
        let before = cache.generation();
        cache.forget_all();
        cache.store("hash", entry(), before);
        assert!(cache.get("hash").is_none());
        cache.store("hash", entry(), cache.generation());
        assert!(cache.get("hash").is_some());
        cache.forget_all();
        assert!(cache.get("hash").is_none());
    }
}
