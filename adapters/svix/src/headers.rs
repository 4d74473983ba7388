//! Custom headers on Svix. Svix sends the endpoint's headers (`/endpoint/{id}/headers`); which headers
//! an endpoint has, which are secret, and the values of those that are not, are kept in the endpoint's
//! metadata under `kaitenHeaders`, so that reading an endpoint needs no extra call and the API shows
//! the same thing on both backends (Svix hides the values of its own list of credential names only).

use crate::svix_errors::found;
use kaiten_application::error::{Conflict, RepoError};
use kaiten_domain::webhook_headers::{EndpointHeader, EndpointHeaderView};
use std::collections::BTreeMap;
use svix::api::Svix;
use svix::models::EndpointHeadersIn;

const METADATA_KEY: &str = "kaitenHeaders";

/// The endpoint metadata that records `headers` (values of secret ones left out).
pub(crate) fn metadata(headers: &[EndpointHeader]) -> BTreeMap<String, String> {
    let views: Vec<EndpointHeaderView> = headers.iter().map(EndpointHeader::view).collect();
    let recorded = serde_json::to_string(&views).unwrap_or_else(|_| "[]".to_owned());
    BTreeMap::from([(METADATA_KEY.to_owned(), recorded)])
}

/// The headers recorded in an endpoint's metadata (none when it has no record or an unreadable one).
pub(crate) fn recorded(metadata: &BTreeMap<String, String>) -> Vec<EndpointHeaderView> {
    metadata.get(METADATA_KEY).and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

/// What Svix sends: each header with its value.
pub(crate) fn values(headers: &[EndpointHeader]) -> BTreeMap<String, String> {
    headers.iter().filter_map(|header| Some((header.name.clone(), header.value.clone()?))).collect()
}

/// Replaces the endpoint's headers in Svix by `headers`, each value left out taken from what Svix
/// holds (and its secrecy from the endpoint's record). Svix does not show the values of credential
/// headers (`Authorization`, `X-Api-Key`, …), so those must be given again whenever the set changes.
/// Returns the headers with their values.
pub(crate) async fn replace(
    svix: &Svix,
    app: &str,
    id: &str,
    headers: Vec<EndpointHeader>,
) -> Result<Option<Vec<EndpointHeader>>, RepoError> {
    let mut headers = headers;
    if headers.iter().any(|header| header.value.is_none()) {
        let Some(held) = found(svix.endpoint().get_headers(app.to_owned(), id.to_owned()).await)? else {
            return Ok(None);
        };
        let Some(endpoint) = found(svix.endpoint().get(app.to_owned(), id.to_owned()).await)? else {
            return Ok(None);
        };
        let shown = recorded(&endpoint.metadata);
        for header in headers.iter_mut().filter(|header| header.value.is_none()) {
            // A kept value keeps its secrecy.
            if let Some(before) = shown.iter().find(|before| before.name.eq_ignore_ascii_case(&header.name)) {
                header.secret = before.secret;
            }
            header.value =
                held.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(&header.name)).map(|(_, v)| v.clone());
            if header.value.is_none() {
                return Err(RepoError::Invalid(Conflict::new(
                    "header_without_value",
                    format!(
                        "give the value of header `{}`: the endpoint has no such header, or Svix does not reveal its \
                         value (credential headers must be given again whenever the set changes)",
                        header.name
                    ),
                )));
            }
        }
    }
    let endpoints = svix.endpoint();
    let replaced = endpoints.set_headers(app.to_owned(), id.to_owned(), EndpointHeadersIn::new(values(&headers))).await;
    Ok(found(replaced)?.map(|()| headers))
}
