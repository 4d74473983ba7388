//! The SSRF guard at delivery time. A URL is checked before sending (scheme, literal addresses),
//! and host names are resolved by [`GuardedResolver`], which hands the HTTP client only the
//! addresses the policy allows: the check applies to the very addresses that get connected to,
//! whatever the DNS answers today.

use kaiten_domain::webhook_url::UrlPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::error::Error;
use std::net::SocketAddr;

/// The policy refused every address a host name resolves to; no connection was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct AddressRefused {
    pub reason: String,
}

/// The host name could not be resolved to any address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not resolve {host}: {detail}")]
pub struct ResolutionFailed {
    pub host: String,
    pub detail: String,
}

/// The addresses `host` resolves to that the policy allows; refused when none is.
pub async fn allowed_addresses(policy: UrlPolicy, host: &str) -> Result<Vec<SocketAddr>, Box<dyn Error + Send + Sync>> {
    let resolved = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|error| ResolutionFailed { host: host.to_owned(), detail: error.to_string() })?;
    let mut allowed = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for address in resolved {
        match policy.check_address(address.ip()).map_err(|reason| reason.to_string()) {
            Ok(()) => allowed.push(address),
            Err(reason) if !reasons.contains(&reason) => reasons.push(reason),
            Err(_) => {}
        }
    }
    if !allowed.is_empty() {
        return Ok(allowed);
    }
    if reasons.is_empty() {
        return Err(ResolutionFailed { host: host.to_owned(), detail: "no address found".into() }.into());
    }
    Err(AddressRefused { reason: format!("{host} resolves only to refused addresses: {}", reasons.join("; ")) }.into())
}

/// The HTTP client's resolver: `tokio::net::lookup_host`, filtered by the policy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuardedResolver {
    policy: UrlPolicy,
}

impl GuardedResolver {
    pub(crate) fn new(policy: UrlPolicy) -> Self {
        Self { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = allowed_addresses(policy, &host).await?;
            let addresses: Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: UrlPolicy = UrlPolicy { allow_private: false };
    const DEVELOPMENT: UrlPolicy = UrlPolicy { allow_private: true };

    #[test]
    fn the_scheme_and_literal_addresses_are_checked_before_sending() {
        let refused = [
            ("http://hooks.example.com/", "https"),
            ("ftp://hooks.example.com/", "scheme"),
            ("https://10.0.0.1/", "private"),
            ("https://[::1]:8443/", "loopback"),
            ("https://169.254.169.254/", "metadata"),
            ("nonsense", "valid"),
        ];
        for (url, reason) in refused {
            let error = STRICT.check_destination(url).err().unwrap_or_else(|| panic!("{url} was accepted"));
            assert!(error.to_string().contains(reason), "{url}: {error}");
        }
        assert!(STRICT.check_destination("https://hooks.example.com/x").is_ok());
        assert!(STRICT.check_destination("https://localhost/").is_ok(), "names are judged by the resolver");
        assert!(DEVELOPMENT.check_destination("http://127.0.0.1:9000/").is_ok());
        assert!(DEVELOPMENT.check_destination("http://169.254.169.254/").is_err());
    }

    #[tokio::test]
    async fn a_name_resolving_only_to_loopback_is_refused_with_the_reason() {
        let error = allowed_addresses(STRICT, "localhost").await.err().unwrap_or_else(|| panic!("accepted"));
        let refused = error.downcast_ref::<AddressRefused>().unwrap_or_else(|| panic!("not a refusal: {error}"));
        assert!(refused.reason.contains("is a loopback address"), "{}", refused.reason);
        let allowed = allowed_addresses(DEVELOPMENT, "localhost").await.unwrap_or_else(|e| panic!("refused: {e}"));
        assert!(allowed.iter().all(|address| address.ip().is_loopback()));
    }
}
