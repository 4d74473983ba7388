//! RFC 9457 problem details: the one error type of the HTTP adapter.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kaiten_application::UseCaseError;
use kaiten_application::error::AuthFailure;
use kaiten_domain::{FieldError, ValidationErrors};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid value of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemFieldError {
    /// Where the value was: a body field (`name`, `variants[1].value`) or `query.limit`.
    pub location: String,
    pub message: String,
    #[schema(value_type = Option<Value>)]
    pub value: Option<serde_json::Value>,
}

/// An error response (`application/problem+json`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:kaiten:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// A stable, machine-readable code (`slug_taken`, `validation_failed`, …).
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ProblemFieldError>>)]
    pub errors: Option<Box<Vec<ProblemFieldError>>>,
    /// Sent as the `Retry-After` header (seconds), not in the body.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: format!("urn:kaiten:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            errors: None,
            retry_after: None,
        }
    }

    /// The same problem, telling the client to try again after `seconds`.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        let detail = match errors.0.as_slice() {
            [one] => format!("{}: {}", one.location, one.message),
            many => format!("{} values are invalid", many.len()),
        };
        let mut problem = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", detail);
        let fields: Vec<ProblemFieldError> = errors
            .0
            .into_iter()
            .map(|FieldError { location, message, value }| ProblemFieldError { location, message, value })
            .collect();
        problem.errors = Some(Box::new(fields));
        problem
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if unauthorized {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<UseCaseError> for Problem {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Invalid(errors) => Self::validation(errors),
            UseCaseError::NotFound(what) => Self::not_found(what),
            UseCaseError::Conflict(conflict) => Self::new(StatusCode::CONFLICT, conflict.code, conflict.message),
            UseCaseError::Forbidden(detail) => Self::new(StatusCode::FORBIDDEN, "forbidden", detail),
            UseCaseError::Unauthorized(failure) => {
                let code = match failure {
                    AuthFailure::Missing => "missing_token",
                    AuthFailure::Unknown => "invalid_token",
                    AuthFailure::Expired => "token_expired",
                    AuthFailure::Revoked => "token_revoked",
                };
                Self::new(StatusCode::UNAUTHORIZED, code, failure.to_string())
            }
            UseCaseError::Unavailable(detail) => {
                tracing::warn!(%detail, "a dependency is unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "a dependency is unavailable; retry later")
                    .retry_after(1)
            }
            UseCaseError::TooManyRequests { detail, retry_after } => {
                let seconds = u32::try_from(retry_after.as_secs().saturating_add(1)).unwrap_or(u32::MAX);
                Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", detail).retry_after(seconds)
            }
            UseCaseError::Unexpected(detail) => {
                tracing::error!(%detail, "unexpected error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "an unexpected error occurred")
            }
        }
    }
}
