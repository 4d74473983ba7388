//! Service accounts and their API tokens. A token is shown once; only its SHA-256 is stored.

use crate::actor::Actor;
use crate::name::parse_name;
use crate::scope::ScopeSet;
use crate::slug::Slug;
use crate::validation::{FieldError, ValidationErrors, Validator};
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// Every token starts with this prefix, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "ksh_";

/// A non-human API client of an organization; tokens are issued to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAccount {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub organization_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

/// A service account with its tokens' metadata (newest first, at most
/// [`TOKENS_SHOWN`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAccountView {
    pub account: ServiceAccount,
    pub tokens: Vec<ApiToken>,
}

/// How many of an account's tokens its view lists (`GET …/tokens` pages through all of them).
pub const TOKENS_SHOWN: i64 = 100;

/// The input of `PUT /api/service-accounts/{slug}`: its new name (the slug stays).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAccountUpdate {
    pub name: String,
}

/// The input of `POST /api/service-accounts`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewServiceAccount {
    pub name: String,
    pub slug: Option<String>,
}

impl ServiceAccount {
    pub fn create(
        organization_id: Uuid,
        input: NewServiceAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                organization_id,
                created_at: now,
                created_by: actor.clone(),
            })
        })
    }

    /// This account under a new name.
    pub fn rename(&self, update: ServiceAccountUpdate) -> Result<Self, ValidationErrors> {
        let name = parse_name("name", &update.name).map_err(|e| ValidationErrors(vec![e]))?;
        Ok(Self { name, ..self.clone() })
    }
}

/// A token's metadata (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub slug: Slug,
    pub scopes: ScopeSet,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub organization_id: Uuid,
    pub service_account_id: Uuid,
}

/// The input of `POST /api/service-accounts/{slug}/tokens`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApiToken {
    pub name: String,
    pub slug: Option<String>,
    /// The scopes the token grants; absent or `null`: the scopes of the token that creates it.
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    pub fn create(
        account: &ServiceAccount,
        input: NewApiToken,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::new();
        let name = v.check(parse_name("name", &input.name));
        let slug = v.check(Slug::given_or_derived("slug", input.slug.as_deref(), &input.name));
        let requested = input.scopes.clone().unwrap_or_default();
        let scopes = match ScopeSet::parse(&requested) {
            Ok(scopes) if scopes.is_empty() => {
                v.push(FieldError::new(
                    "scopes",
                    "must grant at least one scope",
                    Some(Value::from(requested.clone())),
                ));
                None
            }
            Ok(scopes) => Some(scopes),
            Err(problems) => {
                for problem in problems {
                    v.push(FieldError::new("scopes", problem, Some(Value::from(requested.clone()))));
                }
                None
            }
        };
        if let Some(expires_at) = input.expires_at
            && expires_at <= now
        {
            v.push(FieldError::new("expiresAt", "must be in the future", Some(Value::from(expires_at.to_rfc3339()))));
        }
        v.finish(|| {
            Some(Self {
                id: Uuid::now_v7(),
                name: name?,
                slug: slug?,
                scopes: scopes?,
                expires_at: input.expires_at.map(crate::clock::truncate),
                revoked_at: None,
                revoked_by: None,
                created_at: now,
                created_by: actor.clone(),
                organization_id: account.organization_id,
                service_account_id: account.id,
            })
        })
    }

    /// Whether the token may be used at `now`.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock;

    fn account() -> ServiceAccount {
        let input = NewServiceAccount { name: "CI".into(), slug: None };
        ServiceAccount::create(Uuid::nil(), input, &Actor::unknown(), clock::now()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn tokens_need_valid_scopes_and_a_future_expiry() {
        let now = clock::now();
        let bad =
            NewApiToken { name: "t".into(), slug: None, scopes: Some(vec!["root".into()]), expires_at: Some(now) };
        let errors = ApiToken::create(&account(), bad, &Actor::unknown(), now).err().map(|e| e.0.len());
        assert_eq!(errors, Some(2));
        let empty = NewApiToken { name: "t".into(), slug: None, scopes: Some(vec![]), expires_at: None };
        assert!(ApiToken::create(&account(), empty, &Actor::unknown(), now).is_err());
    }

    #[test]
    fn expiry_and_revocation_end_usability() {
        let now = clock::now();
        let input = NewApiToken {
            name: "deploy".into(),
            slug: None,
            scopes: Some(vec!["read:customers".into()]),
            expires_at: Some(now + chrono::TimeDelta::hours(1)),
        };
        let token = ApiToken::create(&account(), input, &Actor::unknown(), now).unwrap_or_else(|e| panic!("{e}"));
        assert!(token.is_usable(now));
        assert!(!token.is_usable(now + chrono::TimeDelta::hours(2)));
        let revoked = ApiToken { revoked_at: Some(now), ..token };
        assert!(!revoked.is_usable(now));
    }
}
