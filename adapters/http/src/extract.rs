//! Extractors whose rejections are problem+json: JSON bodies, query strings and slugs in paths.

use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use kaiten_domain::{Page, Slug};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

/// A JSON body: 415 without a JSON content type, 400 when malformed, 413 when over the limit,
/// 422 when it does not fit the expected shape (including unknown fields).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(&req) {
            return Err(json_problem(JsonRejection::MissingJsonContentType(Default::default())));
        }
        parse_object(&read_body(req, state).await?).map(Self)
    }
}

/// A JSON body that may be left out: no body at all, or `null`, is `None`; a body is read as
/// [`ApiJson`] reads it.
pub struct OptionalApiJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = has_json_content_type(&req);
        let bytes = read_body(req, state).await?;
        if bytes.is_empty() {
            return Ok(Self(None));
        }
        if !json {
            return Err(json_problem(JsonRejection::MissingJsonContentType(Default::default())));
        }
        if bytes.trim_ascii() == b"null" {
            return Ok(Self(None));
        }
        parse_object(&bytes).map(|value| Self(Some(value)))
    }
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Problem> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the body is larger than 1 MiB")
        } else {
            Problem::new(rejection.status(), "invalid_body", rejection.body_text())
        }
    })
}

fn parse_object<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, Problem> {
    // serde would read a struct from an array too; a request body is an object or nothing.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "the body must be a JSON object"));
    }
    axum::Json::<T>::from_bytes(bytes).map(|axum::Json(value)| value).map_err(json_problem)
}

fn has_json_content_type(req: &Request) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_problem(rejection: JsonRejection) -> Problem {
    let detail = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", detail),
        JsonRejection::JsonSyntaxError(_) => Problem::new(StatusCode::BAD_REQUEST, "malformed_json", detail),
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON, sent with `Content-Type: application/json`",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the body is larger than 1 MiB")
        }
        other => Problem::new(other.status(), "invalid_body", detail),
    }
}

/// A query string; 400 when it cannot be parsed, and 400 naming every parameter the route does not
/// document (with the accepted spelling when it differs only in case, `_` or `-`), so a misspelled
/// filter never silently returns everything.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + IntoParams> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let given = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .map_err(|rejection| Problem::new(StatusCode::BAD_REQUEST, "invalid_query", rejection.body_text()))?;
        // The documented names are built only when there is something to check them against.
        let accepted: Vec<String> = if given.is_empty() {
            Vec::new()
        } else {
            T::into_params(|| Some(ParameterIn::Query)).into_iter().map(|parameter| parameter.name).collect()
        };
        let unknown: Vec<String> = given
            .iter()
            .map(|(name, _)| name)
            .filter(|name| !accepted.contains(name))
            .map(|name| describe_unknown(name, &accepted))
            .collect();
        if !unknown.is_empty() {
            let detail = format!("{}; this route accepts: {}", unknown.join("; "), accepted.join(", "));
            return Err(Problem::new(StatusCode::BAD_REQUEST, "unknown_query_parameter", detail));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| Self(q.0)).map_err(
            |rejection: QueryRejection| Problem::new(StatusCode::BAD_REQUEST, "invalid_query", rejection.body_text()),
        )
    }
}

/// "unknown query parameter `x`", with "(did you mean `y`?)" when `y` is accepted and differs only in
/// case, `_` or `-`.
fn describe_unknown(name: &str, accepted: &[String]) -> String {
    let folded = |text: &str| text.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_lowercase();
    match accepted.iter().find(|candidate| folded(candidate) == folded(name)) {
        Some(spelling) => format!("unknown query parameter `{name}` (did you mean `{spelling}`?)"),
        None => format!("unknown query parameter `{name}`"),
    }
}

/// `limit` and `cursor` (or `offset`) of a list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip, default 0 (added to the cursor's position when both are given).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// The previous page's `nextCursor`: the page after it.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, Problem> {
        Page::parse(self.limit, self.offset, self.cursor.as_deref()).map_err(Problem::validation)
    }
}

/// A slug from the path; one that cannot be valid names nothing, hence 404.
pub fn path_slug(raw: &str, what: &str) -> Result<Slug, Problem> {
    Slug::parse(raw).map_err(|_| Problem::not_found(what))
}

/// An RFC 3339 query parameter as UTC; a malformed one is pushed to `errors` at `location`.
pub(crate) fn query_instant(
    location: &str,
    raw: Option<&str>,
    errors: &mut Vec<kaiten_domain::FieldError>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let raw = raw?;
    match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Some(at.with_timezone(&chrono::Utc)),
        Err(_) => {
            let value = Some(serde_json::Value::from(raw));
            errors.push(kaiten_domain::FieldError::new(location, "must be an RFC 3339 date-time", value));
            None
        }
    }
}
