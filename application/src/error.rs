//! Errors of the ports and the outcomes of the use cases.

use kaiten_domain::ValidationErrors;
use std::fmt;

/// A uniqueness or reference rule the store refused, with a stable code and a message for humans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub code: &'static str,
    pub message: String,
}

impl Conflict {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// What a repository or the unit of work can fail with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness or reference rule refused the write (answered 409).
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A check rule of the store refused the value (answered 422).
    #[error("invalid: {0}")]
    Invalid(Conflict),
    /// The row to change does not exist (any more).
    #[error("not found")]
    NotFound,
    /// The store cannot be reached now; trying again later may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("unexpected: {0}")]
    Unexpected(String),
}

/// A stored slug that is not one: the store holds what it should not.
impl From<kaiten_domain::slug::SlugError> for RepoError {
    fn from(error: kaiten_domain::slug::SlugError) -> Self {
        Self::Unexpected(format!("a stored slug is not valid: it {error}"))
    }
}

/// Why a bearer token was not accepted (all answered 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("missing bearer token")]
    Missing,
    #[error("unknown token")]
    Unknown,
    #[error("token expired")]
    Expired,
    #[error("token revoked")]
    Revoked,
}

/// The outcomes a caller of a use case must handle.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UseCaseError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(Conflict),
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Unauthorized(#[from] AuthFailure),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A rate limit was reached: try again after `retry_after`.
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: std::time::Duration },
    #[error("unexpected: {0}")]
    Unexpected(String),
}

impl UseCaseError {
    /// Maps a store error met while working on `what` (e.g. "customer").
    pub fn from_repo(what: &'static str, error: RepoError) -> Self {
        match error {
            RepoError::Conflict(conflict) => Self::Conflict(conflict),
            RepoError::Invalid(rule) => Self::Invalid(ValidationErrors::single(rule.code, rule.message, None)),
            RepoError::NotFound => Self::NotFound(what),
            RepoError::Unavailable(detail) => Self::Unavailable(detail),
            RepoError::Unexpected(detail) => Self::Unexpected(detail),
        }
    }
}

impl From<RepoError> for UseCaseError {
    fn from(error: RepoError) -> Self {
        Self::from_repo("resource", error)
    }
}

impl From<serde_json::Error> for UseCaseError {
    fn from(error: serde_json::Error) -> Self {
        Self::Unexpected(format!("serializing an event payload: {error}"))
    }
}
