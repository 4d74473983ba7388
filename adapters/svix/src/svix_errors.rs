//! How Svix's errors read for the management port.

use kaiten_application::error::{Conflict, RepoError};
use svix::error::{Error, HttpErrorContent};

/// The HTTP status Svix answered with, when it answered.
pub(crate) fn status_of(error: &Error) -> Option<u16> {
    match error {
        Error::Http(HttpErrorContent { status, .. }) | Error::Validation(HttpErrorContent { status, .. }) => {
            Some(status.as_u16())
        }
        Error::Timeout { .. } | Error::Generic(_) => None,
    }
}

pub(crate) fn is_not_found(error: &Error) -> bool {
    status_of(error) == Some(404)
}

/// A success without the JSON body the client expected (a 204 where it reads a model): the client
/// reports it as a generic error carrying serde_json's end-of-input message.
pub(crate) fn answered_without_body(error: &Error) -> bool {
    matches!(error, Error::Generic(detail) if detail.contains("EOF while parsing a value"))
}

/// Any answer but the 404s each operation handles itself: credentials, rate limits, server errors and
/// an unreachable Svix can pass (try again later); a refused request is invalid input.
pub(crate) fn repo_error(error: &Error) -> RepoError {
    match status_of(error) {
        None => RepoError::Unavailable(format!("Svix unreachable: {error}")),
        Some(status @ (401 | 403 | 429 | 500..=599)) => {
            RepoError::Unavailable(format!("Svix answered {status}: {error}"))
        }
        Some(status @ (400 | 422)) => {
            RepoError::Invalid(Conflict::new("svix_refused", format!("Svix refused the request ({status}): {error}")))
        }
        Some(status) => RepoError::Unexpected(format!("Svix answered {status}: {error}")),
    }
}

/// `None` for a 404, the mapped error otherwise.
pub(crate) fn found<T>(result: Result<T, Error>) -> Result<Option<T>, RepoError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(repo_error(&error)),
    }
}
