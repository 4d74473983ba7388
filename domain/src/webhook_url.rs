//! Which webhook URLs and which addresses a delivery may go to (the SSRF guard's rules). Creating an
//! endpoint checks the URL (scheme, literal addresses, `localhost`); delivering checks every address
//! the host name resolves to, because DNS answers can change after the endpoint was created. Addresses
//! are judged against the IANA special-purpose registries ([`crate::address_registry`]).

pub use crate::address_registry::{AddressClass, classify};
use std::net::IpAddr;
use url::{Host, Url};

/// Why a URL or an address is refused (the text is the reason the API shows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    #[error("not a valid absolute URL: {0}")]
    Unparsable(String),
    #[error("must use https")]
    PlainHttp,
    #[error("scheme `{0}` is not allowed (https only)")]
    Scheme(String),
    #[error("must not carry credentials")]
    Credentials,
    #[error("must name a host")]
    NoHost,
    #[error("`localhost` is a loopback host")]
    Localhost,
    #[error("{0} is a cloud metadata address")]
    Metadata(IpAddr),
    #[error("{address} is a {class} address")]
    Special { address: IpAddr, class: &'static str },
}

/// The rules, with the development switch (`KAITEN_WEBHOOKS_ALLOW_PRIVATE`): when set, http and
/// loopback/private addresses are allowed; cloud metadata addresses never are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlPolicy {
    pub allow_private: bool,
}

impl UrlPolicy {
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private }
    }

    /// Parses and checks an endpoint URL: what [`Self::check_destination`] checks, no credentials,
    /// and no `localhost` name.
    pub fn check_url(&self, raw: &str) -> Result<Url, UrlRefused> {
        let url = self.check_destination(raw)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlRefused::Credentials);
        }
        if let Some(Host::Domain(name)) = url.host() {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !self.allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                return Err(UrlRefused::Localhost);
            }
        }
        Ok(url)
    }

    /// What a delivery checks before sending: the URL parses, its scheme is allowed (https only,
    /// unless private destinations are), and a literal IP host is an allowed address. A host name is
    /// judged on every address it resolves to, when it is resolved.
    pub fn check_destination(&self, raw: &str) -> Result<Url, UrlRefused> {
        let url = Url::parse(raw).map_err(|error| UrlRefused::Unparsable(error.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            "http" => return Err(UrlRefused::PlainHttp),
            other => return Err(UrlRefused::Scheme(other.to_owned())),
        }
        match url.host() {
            None => return Err(UrlRefused::NoHost),
            Some(Host::Ipv4(address)) => self.check_address(IpAddr::V4(address))?,
            Some(Host::Ipv6(address)) => self.check_address(IpAddr::V6(address))?,
            Some(Host::Domain(_)) => {}
        }
        Ok(url)
    }

    /// Checks one address a delivery would connect to.
    pub fn check_address(&self, address: IpAddr) -> Result<(), UrlRefused> {
        match classify(address) {
            None => Ok(()),
            Some(AddressClass::Metadata) => Err(UrlRefused::Metadata(address)),
            Some(_) if self.allow_private => Ok(()),
            Some(class) => Err(UrlRefused::Special { address, class: class.describe() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> UrlPolicy {
        UrlPolicy::new(false)
    }

    #[test]
    fn https_to_a_public_host_is_accepted() {
        assert!(strict().check_url("https://hooks.example.com/kaiten?x=1").is_ok());
        assert!(strict().check_url("https://93.184.215.14/hook").is_ok());
    }

    #[test]
    fn every_forbidden_class_is_refused_with_its_reason() {
        let cases = [
            ("http://hooks.example.com/", "https"),
            ("ftp://hooks.example.com/", "scheme"),
            ("https://127.0.0.1/", "loopback"),
            ("https://[::1]/", "loopback"),
            ("https://localhost:8443/", "loopback"),
            ("https://10.1.2.3/", "private"),
            ("https://172.16.0.1/", "private"),
            ("https://192.168.1.1/", "private"),
            ("https://[fd12::1]/", "private"),
            ("https://169.254.10.1/", "link-local"),
            ("https://[fe80::1]/", "link-local"),
            ("https://100.64.0.1/", "carrier-grade"),
            ("https://169.254.169.254/latest/meta-data", "metadata"),
            ("https://[::ffff:10.0.0.1]/", "private"),
            ("https://0.0.0.0/", "unspecified"),
            ("https://user:pw@hooks.example.com/", "credentials"),
            // IPv4 carried inside IPv6, in every form that embeds it.
            ("https://[::7f00:1]/", "loopback"),
            ("https://[::ffff:0:a00:1]/", "private"),
            ("https://[2002:a00:1::]/", "private"),
            ("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "loopback"),
            ("https://[64:ff9b:1::a00:1]/", "private"),
            ("https://[64:ff9b::a9fe:a9fe]/", "metadata"),
            ("https://169.254.170.2/v2/credentials", "metadata"),
            ("https://[fd00:ec2::254]/", "metadata"),
            ("https://192.0.2.1/", "documentation"),
            ("not a url", "valid"),
        ];
        for (url, reason) in cases {
            let error = strict().check_url(url).err().unwrap_or_else(|| panic!("{url} was accepted"));
            assert!(error.to_string().contains(reason), "{url}: {error}");
        }
    }

    #[test]
    fn development_allows_http_and_loopback_but_never_metadata() {
        let development = UrlPolicy::new(true);
        assert!(development.check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(development.check_url("http://localhost:9000/hook").is_ok());
        for metadata in [
            "https://169.254.169.254/",
            "http://169.254.170.2/",
            "http://[fd00:ec2::254]/",
            "http://168.63.129.16/",
            "http://100.100.100.200/",
            "http://[::ffff:169.254.170.2]/",
            "http://[2002:a9fe:a9fe::]/",
        ] {
            let error = development.check_url(metadata).err().unwrap_or_else(|| panic!("{metadata} was accepted"));
            assert!(matches!(error, UrlRefused::Metadata(_)), "{metadata}: {error}");
        }
    }
}
