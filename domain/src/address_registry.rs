//! The IANA special-purpose address registries, IPv4 and IPv6, in full, as tables the webhook SSRF
//! guard reads, plus the cloud metadata addresses a delivery must never reach. [`classify`] answers
//! `None` for an address a webhook may be delivered to and otherwise the class that refuses it.
//!
//! The rules, in order:
//! 1. A cloud metadata address ([`METADATA_ADDRESSES`]) is [`AddressClass::Metadata`], written
//!    plainly or carried inside an IPv6 address in any of the forms [`embedded_ipv4`] decodes.
//! 2. For IPv6, every embedded IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64
//!    `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4, Teredo server and client, ISATAP) is classified
//!    with the IPv4 table; the first one that is special gives the answer.
//! 3. Otherwise the most specific row containing the address decides: `class: None` lets it
//!    through, `Some(class)` refuses it. So a public IPv4 inside 6to4 or Teredo is still refused
//!    (those rows refuse: the relay decides where the packet lands), while NAT64 `64:ff9b::/96`
//!    and IPv4-mapped `::ffff:0:0/96` are judged by their IPv4 alone. IPv6 outside every more
//!    specific row falls to `::/0`, which refuses: only `2000::/3` is allocated for global unicast.
//!
//! Everything IANA does not mark globally reachable is refused. Of the rows it does mark so, only
//! the public anycast services (AS112) and the NAT64 well-known prefix are let through; anycast that
//! by design reaches the nearest, i.e. the hosting network's own, server (PCP, TURN, DNS-SD SRP,
//! AMT) and identifier prefixes that are no locators (ORCHIDv2, DETs) are refused. The tables follow
//! the registries as IANA last updated them on 2025-10-09.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused. [`describe`](Self::describe) gives the phrase for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressClass {
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Metadata,
    Unspecified,
    Multicast,
    Broadcast,
    Documentation,
    Benchmarking,
    Reserved,
    /// IPv4/IPv6 transition: translation (NAT64, SIIT, DS-Lite) or tunnelling (6to4, Teredo).
    Translation,
}

impl AddressClass {
    /// A lowercase phrase, as in `format!("{address} is a {} address", class.describe())`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::SharedCgnat => "carrier-grade NAT (shared)",
            Self::Metadata => "cloud metadata",
            Self::Unspecified => "unspecified",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::Reserved => "reserved",
            Self::Translation => "tunnel or translation",
        }
    }
}

/// One row of a table: a prefix, the registry's name and source for it, and the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<A> {
    pub network: A,
    pub length: u8,
    pub name: &'static str,
    /// The RFCs as IANA lists them (for rows beyond the registry, the defining RFC).
    pub source: &'static str,
    /// IANA's "Globally Reachable": `None` for "N/A", a blank (deprecated rows) or a row that is
    /// not in the special-purpose registry.
    pub iana_global: Option<bool>,
    /// The guard's decision: `None` lets the address through, `Some(class)` refuses it.
    pub class: Option<AddressClass>,
}

pub type Ipv4Row = Row<Ipv4Addr>;
pub type Ipv6Row = Row<Ipv6Addr>;

impl Ipv4Row {
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        (u32::from(address) ^ u32::from(self.network)) & mask32(self.length) == 0
    }
}

impl Ipv6Row {
    pub fn contains(&self, address: Ipv6Addr) -> bool {
        (u128::from(address) ^ u128::from(self.network)) & mask128(self.length) == 0
    }
}

fn mask32(length: u8) -> u32 {
    u32::MAX.checked_shl(32u32.saturating_sub(u32::from(length))).unwrap_or(0)
}

fn mask128(length: u8) -> u128 {
    u128::MAX.checked_shl(128u32.saturating_sub(u32::from(length))).unwrap_or(0)
}

const YES: Option<bool> = Some(true);
const NO: Option<bool> = Some(false);
const NA: Option<bool> = None;

const fn v4(
    octets: [u8; 4],
    length: u8,
    name: &'static str,
    source: &'static str,
    iana_global: Option<bool>,
    class: Option<AddressClass>,
) -> Ipv4Row {
    let [a, b, c, d] = octets;
    Row { network: Ipv4Addr::new(a, b, c, d), length, name, source, iana_global, class }
}

const fn v6(
    segments: [u16; 8],
    length: u8,
    name: &'static str,
    source: &'static str,
    iana_global: Option<bool>,
    class: Option<AddressClass>,
) -> Ipv6Row {
    let [a, b, c, d, e, f, g, h] = segments;
    Row { network: Ipv6Addr::new(a, b, c, d, e, f, g, h), length, name, source, iana_global, class }
}

/// The IANA IPv4 Special-Purpose Address Registry, every row (`192.0.0.170/32, 192.0.0.171/32` as
/// two), then multicast. The most specific row containing an address applies.
pub const IPV4_REGISTRY: &[Ipv4Row] = {
    use AddressClass::*;
    &[
        v4([0, 0, 0, 0], 8, "\"This network\"", "RFC 791", NO, Some(Unspecified)),
        v4([0, 0, 0, 0], 32, "\"This host on this network\"", "RFC 1122", NO, Some(Unspecified)),
        v4([10, 0, 0, 0], 8, "Private-Use", "RFC 1918", NO, Some(Private)),
        v4([100, 64, 0, 0], 10, "Shared Address Space", "RFC 6598", NO, Some(SharedCgnat)),
        v4([127, 0, 0, 0], 8, "Loopback", "RFC 1122", NO, Some(Loopback)),
        v4([169, 254, 0, 0], 16, "Link Local", "RFC 3927", NO, Some(LinkLocal)),
        v4([172, 16, 0, 0], 12, "Private-Use", "RFC 1918", NO, Some(Private)),
        v4([192, 0, 0, 0], 24, "IETF Protocol Assignments", "RFC 6890", NO, Some(Reserved)),
        // DS-Lite B4/AFTR and 464XLAT CLAT addresses: the host's own transition machinery.
        v4([192, 0, 0, 0], 29, "IPv4 Service Continuity Prefix", "RFC 7335", NO, Some(Translation)),
        v4([192, 0, 0, 8], 32, "IPv4 dummy address", "RFC 7600", NO, Some(Reserved)),
        // Globally reachable, refused: the nearest PCP server is the hosting network's own NAT.
        v4([192, 0, 0, 9], 32, "Port Control Protocol Anycast", "RFC 7723", YES, Some(Reserved)),
        // Globally reachable, refused: anycast to the hosting network's own TURN relay.
        v4([192, 0, 0, 10], 32, "Traversal Using Relays around NAT Anycast", "RFC 8155", YES, Some(Reserved)),
        v4([192, 0, 0, 170], 32, "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", NO, Some(Reserved)),
        v4([192, 0, 0, 171], 32, "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050", NO, Some(Reserved)),
        v4([192, 0, 2, 0], 24, "Documentation (TEST-NET-1)", "RFC 5737", NO, Some(Documentation)),
        // Globally reachable and allowed: the public AS112 anycast DNS sink.
        v4([192, 31, 196, 0], 24, "AS112-v4", "RFC 7535", YES, None),
        // Globally reachable, refused: AMT relay discovery reaches the nearest, in-network, relay.
        v4([192, 52, 193, 0], 24, "AMT", "RFC 7450", YES, Some(Reserved)),
        v4([192, 88, 99, 0], 24, "Deprecated (6to4 Relay Anycast)", "RFC 7526", NA, Some(Translation)),
        v4([192, 88, 99, 2], 32, "6a44-relay anycast address", "RFC 6751", NO, Some(Translation)),
        v4([192, 168, 0, 0], 16, "Private-Use", "RFC 1918", NO, Some(Private)),
        // Globally reachable and allowed: the public AS112 anycast DNS sink.
        v4([192, 175, 48, 0], 24, "Direct Delegation AS112 Service", "RFC 7534", YES, None),
        v4([198, 18, 0, 0], 15, "Benchmarking", "RFC 2544", NO, Some(Benchmarking)),
        v4([198, 51, 100, 0], 24, "Documentation (TEST-NET-2)", "RFC 5737", NO, Some(Documentation)),
        v4([203, 0, 113, 0], 24, "Documentation (TEST-NET-3)", "RFC 5737", NO, Some(Documentation)),
        v4([240, 0, 0, 0], 4, "Reserved", "RFC 1112", NO, Some(Reserved)),
        v4([255, 255, 255, 255], 32, "Limited Broadcast", "RFC 8190, RFC 919", NO, Some(Broadcast)),
        // Beyond the special-purpose registry.
        v4([224, 0, 0, 0], 4, "Multicast", "RFC 5771", NA, Some(Multicast)),
    ]
};

/// The IANA IPv6 Special-Purpose Address Registry, every row, then the blocks an SSRF guard must
/// also refuse: multicast, the deprecated IPv4-compatible, IPv4-translated and site-local forms,
/// the returned 6bone block, and everything outside `2000::/3`.
pub const IPV6_REGISTRY: &[Ipv6Row] = {
    use AddressClass::*;
    &[
        v6([0, 0, 0, 0, 0, 0, 0, 1], 128, "Loopback Address", "RFC 4291", NO, Some(Loopback)),
        v6([0, 0, 0, 0, 0, 0, 0, 0], 128, "Unspecified Address", "RFC 4291", NO, Some(Unspecified)),
        // Allowed: how a dual-stack socket spells an IPv4 peer, so judged by that IPv4 alone.
        v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96, "IPv4-mapped Address", "RFC 4291", NO, None),
        // Allowed: DNS64 answers for public IPv4 hosts; judged by the embedded IPv4.
        v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, "IPv4-IPv6 Translat.", "RFC 6052", YES, None),
        v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "IPv4-IPv6 Translat.", "RFC 8215", NO, Some(Translation)),
        v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "Discard-Only Address Block", "RFC 6666", NO, Some(Reserved)),
        v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64, "Dummy IPv6 Prefix", "RFC 9780", NO, Some(Reserved)),
        v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, "IETF Protocol Assignments", "RFC 2928", NO, Some(Reserved)),
        // Globally reachable "N/A": refused whatever it carries, the relay decides where it lands.
        v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, "TEREDO", "RFC 4380, RFC 8190", NA, Some(Translation)),
        // Globally reachable, refused: anycast to the hosting network's own PCP server, TURN relay
        // and DNS-SD registrar.
        v6([0x2001, 1, 0, 0, 0, 0, 0, 1], 128, "Port Control Protocol Anycast", "RFC 7723", YES, Some(Reserved)),
        v6(
            [0x2001, 1, 0, 0, 0, 0, 0, 2],
            128,
            "Traversal Using Relays around NAT Anycast",
            "RFC 8155",
            YES,
            Some(Reserved),
        ),
        v6(
            [0x2001, 1, 0, 0, 0, 0, 0, 3],
            128,
            "DNS-SD Service Registration Protocol Anycast",
            "RFC 9665",
            YES,
            Some(Reserved),
        ),
        v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, "Benchmarking", "RFC 5180, RFC Errata 1752", NO, Some(Benchmarking)),
        // Globally reachable, refused: AMT relay discovery reaches the nearest, in-network, relay.
        v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, "AMT", "RFC 7450", YES, Some(Reserved)),
        // Globally reachable and allowed: the public AS112 anycast DNS sink.
        v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48, "AS112-v6", "RFC 7535", YES, None),
        v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28, "Deprecated (previously ORCHID)", "RFC 4843", NA, Some(Reserved)),
        // Globally reachable, refused: cryptographic identifiers (ORCHID construction), no locators.
        v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "ORCHIDv2", "RFC 7343", YES, Some(Reserved)),
        v6(
            [0x2001, 0x30, 0, 0, 0, 0, 0, 0],
            28,
            "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
            "RFC 9374",
            YES,
            Some(Reserved),
        ),
        v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "Documentation", "RFC 3849", NO, Some(Documentation)),
        // Globally reachable "N/A": refused whatever it carries, the relay decides where it lands.
        v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, "6to4", "RFC 3056", NA, Some(Translation)),
        // Globally reachable and allowed: the public AS112 anycast DNS sink.
        v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48, "Direct Delegation AS112 Service", "RFC 7534", YES, None),
        v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "Documentation", "RFC 9637", NO, Some(Documentation)),
        v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, "Segment Routing (SRv6) SIDs", "RFC 9602", NO, Some(Reserved)),
        v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "Unique-Local", "RFC 4193, RFC 8190", NO, Some(Private)),
        v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "Link-Local Unicast", "RFC 4291", NO, Some(LinkLocal)),
        // Beyond the special-purpose registry.
        v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "Multicast", "RFC 4291", NA, Some(Multicast)),
        v6([0, 0, 0, 0, 0, 0, 0, 0], 96, "IPv4-compatible Address (deprecated)", "RFC 4291", NA, Some(Translation)),
        v6(
            [0, 0, 0, 0, 0xffff, 0, 0, 0],
            96,
            "IPv4-translated Address (SIIT, obsolete)",
            "RFC 2765",
            NA,
            Some(Translation),
        ),
        v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "Site-Local (deprecated)", "RFC 3879", NA, Some(Private)),
        // Unrouted since 2006; drop this row if IANA ever allocates the block again.
        v6([0x3ffe, 0, 0, 0, 0, 0, 0, 0], 16, "6bone (returned)", "RFC 3701", NA, Some(Reserved)),
        v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3, "Global Unicast", "RFC 4291", NA, None),
        v6([0, 0, 0, 0, 0, 0, 0, 0], 0, "Reserved by IETF (outside 2000::/3)", "RFC 4291", NA, Some(Reserved)),
    ]
};

/// A cloud platform's instance-local service address: refused even in development mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataAddress {
    pub address: IpAddr,
    pub service: &'static str,
    pub source: &'static str,
}

const fn meta4(octets: [u8; 4], service: &'static str, source: &'static str) -> MetadataAddress {
    let [a, b, c, d] = octets;
    MetadataAddress { address: IpAddr::V4(Ipv4Addr::new(a, b, c, d)), service, source }
}

const fn meta6(segments: [u16; 8], service: &'static str, source: &'static str) -> MetadataAddress {
    let [a, b, c, d, e, f, g, h] = segments;
    MetadataAddress { address: IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h)), service, source }
}

/// Instance metadata, credential and platform services reachable from inside a cloud instance.
pub const METADATA_ADDRESSES: &[MetadataAddress] = &[
    // Also GCP, Azure IMDS, Oracle OCI, OpenStack, DigitalOcean, Hetzner, Linode and IBM Cloud.
    meta4([169, 254, 169, 254], "AWS IMDS and most providers' instance metadata", "AWS EC2 User Guide (IMDS)"),
    meta4([169, 254, 169, 253], "AWS VPC DNS resolver (Route 53 Resolver)", "AWS whitepaper: IPv6 on AWS"),
    meta4([169, 254, 169, 123], "AWS Time Sync Service (NTP)", "AWS whitepaper: IPv6 on AWS"),
    meta4([169, 254, 170, 2], "AWS ECS task metadata and credentials", "Amazon ECS Developer Guide"),
    meta4([169, 254, 170, 23], "AWS EKS Pod Identity Agent (credentials)", "Amazon EKS User Guide"),
    meta4([168, 63, 129, 16], "Azure WireServer (DHCP, DNS, VM agent)", "Microsoft Learn: IP address 168.63.129.16"),
    meta4([100, 100, 100, 200], "Alibaba Cloud ECS metadata", "Alibaba Cloud ECS docs (instance metadata)"),
    meta4([169, 254, 0, 23], "Tencent Cloud CVM metadata (metadata.tencentyun.com)", "Tencent Cloud CVM docs"),
    meta4([169, 254, 42, 42], "Scaleway instance metadata", "Scaleway Instance API docs (user data)"),
    meta4([192, 0, 0, 192], "Oracle Cloud Classic metadata (legacy)", "SSRF payload lists, not OCI docs"),
    meta6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254], "AWS IMDS over IPv6 (Nitro)", "AWS EC2 User Guide (IMDS)"),
    meta6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x253], "AWS VPC DNS resolver over IPv6", "AWS whitepaper: IPv6 on AWS"),
    meta6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x123], "AWS Time Sync Service over IPv6", "AWS whitepaper: IPv6 on AWS"),
    meta6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23], "AWS EKS Pod Identity Agent over IPv6", "Amazon EKS User Guide"),
    meta6(
        [0xfd20, 0xce, 0, 0, 0, 0, 0, 0x254],
        "GCP metadata server over IPv6",
        "GCP Compute Engine docs (IPv6-only VMs)",
    ),
    meta6([0xfd00, 0x42, 0, 0, 0, 0, 0, 0x42], "Scaleway instance metadata over IPv6", "Scaleway Instance API docs"),
    meta6([0xfe80, 0, 0, 0, 0, 0, 0xa9fe, 0xa9fe], "OpenStack metadata over IPv6", "OpenStack Neutron spec (Ussuri)"),
];

/// `None` for an address a webhook may be delivered to; otherwise why it is refused.
pub fn classify(address: IpAddr) -> Option<AddressClass> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            let metadata = |v4: &Ipv4Addr| metadata_service(IpAddr::V4(*v4)).is_some();
            if metadata_service(address).is_some() || decode(v6, true).iter().any(metadata) {
                return Some(AddressClass::Metadata);
            }
            decode(v6, false).into_iter().find_map(classify_v4).or_else(|| ipv6_row(v6).and_then(|row| row.class))
        }
    }
}

fn classify_v4(address: Ipv4Addr) -> Option<AddressClass> {
    if metadata_service(IpAddr::V4(address)).is_some() {
        return Some(AddressClass::Metadata);
    }
    ipv4_row(address).and_then(|row| row.class)
}

/// The most specific IPv4 row containing `address`, if any.
pub fn ipv4_row(address: Ipv4Addr) -> Option<&'static Ipv4Row> {
    IPV4_REGISTRY.iter().filter(|row| row.contains(address)).max_by_key(|row| row.length)
}

/// The most specific IPv6 row containing `address` (there always is one: `::/0`).
pub fn ipv6_row(address: Ipv6Addr) -> Option<&'static Ipv6Row> {
    IPV6_REGISTRY.iter().filter(|row| row.contains(address)).max_by_key(|row| row.length)
}

/// The metadata service at exactly this address, if any.
pub fn metadata_service(address: IpAddr) -> Option<&'static MetadataAddress> {
    METADATA_ADDRESSES.iter().find(|entry| entry.address == address)
}

/// Every IPv4 address `address` carries, the likeliest first: IPv4-mapped `::ffff:0:0/96`,
/// IPv4-translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`, IPv4-compatible `::/96` (not `::` or
/// `::1`), local-use NAT64 `64:ff9b:1::/48` (the `/96` format, then the RFC 6052 `/64`, `/56` and
/// `/48` formats, since the operator's prefix length cannot be read from the address), 6to4
/// `2002::/16`, Teredo `2001::/32` (the client, stored inverted in the last 32 bits, then the
/// server in bits 32..64) and an ISATAP interface identifier (`::0:5efe:a.b.c.d`, `::200:5efe:…`).
pub fn embedded_ipv4(address: Ipv6Addr) -> Vec<Ipv4Addr> {
    decode(address, true)
}

/// As [`embedded_ipv4`]; without `every_nat64_format` only the `/96` local-use NAT64 format, which
/// is what classifying uses (the other formats would read the zeros of a `/96` one as `0.0.0.0`).
fn decode(address: Ipv6Addr, every_nat64_format: bool) -> Vec<Ipv4Addr> {
    let s = address.segments();
    let o = address.octets();
    let pick = |[a, b, c, d]: [usize; 4]| Ipv4Addr::new(o[a], o[b], o[c], o[d]);
    let last = pick([12, 13, 14, 15]);
    let mut found = Vec::new();
    // IPv4-compatible (not `::` or `::1`), IPv4-mapped, IPv4-translated, NAT64 well-known prefix.
    let head = &s[..6];
    if (head == [0; 6] && u128::from(address) > 1) || head == [0, 0, 0, 0, 0, 0xffff] || head == [0, 0, 0, 0, 0xffff, 0]
    {
        found.push(last);
    }
    if head == [0x64, 0xff9b, 0, 0, 0, 0] {
        found.push(last);
    }
    if s[..3] == [0x64, 0xff9b, 1] {
        found.push(last);
        if every_nat64_format {
            found.extend([[9, 10, 11, 12], [7, 9, 10, 11], [6, 7, 9, 10]].map(pick));
        }
    }
    if s[0] == 0x2002 {
        found.push(pick([2, 3, 4, 5]));
    }
    if s[..2] == [0x2001, 0] {
        found.push(Ipv4Addr::from(!u32::from(last)));
        found.push(pick([4, 5, 6, 7]));
    }
    if s[4] & 0xfcff == 0 && s[5] == 0x5efe {
        found.push(last);
    }
    found
}

#[cfg(test)]
#[path = "address_registry_tests.rs"]
mod tests;
