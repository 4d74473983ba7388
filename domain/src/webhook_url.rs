//! Which webhook URLs and which addresses a delivery may go to (the SSRF guard's rules). Creating an
//! endpoint checks the URL (scheme, literal addresses, `localhost`); delivering checks every address
//! the host name resolves to, because DNS answers can change after the endpoint was created.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

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

    /// Parses and checks an endpoint URL; `Err` carries the reason for the caller.
    pub fn check_url(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw).map_err(|error| format!("not a valid absolute URL: {error}"))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            "http" => return Err("must use https".into()),
            other => return Err(format!("scheme `{other}` is not allowed (https only)")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials".into());
        }
        match url.host() {
            None => Err("must name a host".into()),
            Some(Host::Ipv4(address)) => self.check_address(IpAddr::V4(address)).map(|()| url),
            Some(Host::Ipv6(address)) => self.check_address(IpAddr::V6(address)).map(|()| url),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if !self.allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                    Err("`localhost` is a loopback host".into())
                } else {
                    Ok(url)
                }
            }
        }
    }

    /// Checks one address a delivery would connect to.
    pub fn check_address(&self, address: IpAddr) -> Result<(), String> {
        match classify(address) {
            None => Ok(()),
            Some(AddressClass::Metadata) => Err(format!("{address} is a cloud metadata address")),
            Some(_) if self.allow_private => Ok(()),
            Some(class) => Err(format!("{address} is a {} address", class.describe())),
        }
    }
}

/// The address classes a webhook must never reach (unless development allows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Metadata,
    Unspecified,
    Multicast,
    Reserved,
}

impl AddressClass {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::SharedCgnat => "carrier-grade NAT (shared)",
            Self::Metadata => "cloud metadata",
            Self::Unspecified => "unspecified",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
        }
    }
}

/// `None` for a public unicast address.
pub fn classify(address: IpAddr) -> Option<AddressClass> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(address: Ipv4Addr) -> Option<AddressClass> {
    let [a, b, ..] = address.octets();
    if address == Ipv4Addr::new(169, 254, 169, 254) || address == Ipv4Addr::new(100, 100, 100, 200) {
        Some(AddressClass::Metadata)
    } else if address.is_loopback() {
        Some(AddressClass::Loopback)
    } else if address.is_private() {
        Some(AddressClass::Private)
    } else if address.is_link_local() {
        Some(AddressClass::LinkLocal)
    } else if a == 100 && (64..128).contains(&b) {
        Some(AddressClass::SharedCgnat)
    } else if a == 0 {
        Some(AddressClass::Unspecified)
    } else if address.is_multicast() {
        Some(AddressClass::Multicast)
    } else if a >= 240 || (a == 192 && b == 0 && address.octets()[2] == 0) || (a == 198 && (18..20).contains(&b)) {
        Some(AddressClass::Reserved)
    } else {
        None
    }
}

fn classify_v6(address: Ipv6Addr) -> Option<AddressClass> {
    let first = address.segments()[0];
    if address == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        Some(AddressClass::Metadata)
    } else if address.is_loopback() {
        Some(AddressClass::Loopback)
    } else if address.is_unspecified() {
        Some(AddressClass::Unspecified)
    } else if first & 0xfe00 == 0xfc00 {
        Some(AddressClass::Private)
    } else if first & 0xffc0 == 0xfe80 {
        Some(AddressClass::LinkLocal)
    } else if address.is_multicast() {
        Some(AddressClass::Multicast)
    } else if first == 0x0064 && address.segments()[1] == 0xff9b {
        // NAT64 (64:ff9b::/96) embeds an IPv4 address: judge that one.
        let [.., c, d] = address.segments();
        classify_v4(Ipv4Addr::new((c >> 8) as u8, c as u8, (d >> 8) as u8, d as u8))
    } else {
        None
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
            ("not a url", "valid"),
        ];
        for (url, reason) in cases {
            let error = strict().check_url(url).err().unwrap_or_else(|| panic!("{url} was accepted"));
            assert!(error.contains(reason), "{url}: {error}");
        }
    }

    #[test]
    fn development_allows_http_and_loopback_but_never_metadata() {
        let development = UrlPolicy::new(true);
        assert!(development.check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(development.check_url("http://localhost:9000/hook").is_ok());
        assert!(development.check_url("https://169.254.169.254/").is_err());
    }
}
