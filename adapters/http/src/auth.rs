//! Bearer-token authentication: turns `Authorization: Bearer ksh_…` into the use cases' `Caller`.

use crate::problem::Problem;
use crate::state::AppState;
use crate::trace::RequestTraceparent;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use kaiten_application::Caller;
use kaiten_application::error::AuthFailure;

/// The authenticated caller of a request (401 otherwise).
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthFailure::Missing.into());
        }
        // The request span's trace context; without one (no tracing installed), the caller's own.
        let traceparent = match parts.extensions.get::<RequestTraceparent>() {
            Some(RequestTraceparent(traceparent)) => Some(traceparent.clone()),
            None => parts
                .headers
                .get("traceparent")
                .and_then(|v| v.to_str().ok())
                .filter(|v| is_traceparent(v))
                .map(str::to_owned),
        };
        let caller = state.use_cases.authenticate.execute(token.trim(), traceparent).await?;
        Ok(Self(caller))
    }
}

impl From<AuthFailure> for Problem {
    fn from(failure: AuthFailure) -> Self {
        kaiten_application::UseCaseError::Unauthorized(failure).into()
    }
}

/// A W3C trace context header: `00-<32 hex>-<16 hex>-<2 hex>`.
fn is_traceparent(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    parts.len() == 4 && hex(parts[0], 2) && hex(parts[1], 32) && hex(parts[2], 16) && hex(parts[3], 2)
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_trace_context() {
        assert!(super::is_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        assert!(!super::is_traceparent("00-xyz-b7ad6b7169203331-01"));
        assert!(!super::is_traceparent(""));
    }
}
