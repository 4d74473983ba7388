use super::*;
use AddressClass::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn class_of(text: &str) -> Option<AddressClass> {
    classify(ip(text))
}

/// What `classify` must answer for an address whose most specific row is `row_class`.
fn expected(address: IpAddr, row_class: Option<AddressClass>) -> Option<AddressClass> {
    let carried = match address {
        IpAddr::V4(_) => Vec::new(),
        IpAddr::V6(v6) => embedded_ipv4(v6),
    };
    if metadata_service(address).is_some() || carried.iter().any(|v4| metadata_service(IpAddr::V4(*v4)).is_some()) {
        return Some(Metadata);
    }
    match address {
        IpAddr::V6(v6) => decode(v6, false).into_iter().find_map(classify_v4).or(row_class),
        IpAddr::V4(_) => row_class,
    }
}

/// The rows IANA publishes, with its "Globally Reachable" column, as of 2025-10-09.
const IANA_V4: &[(&str, Option<bool>)] = &[
    ("0.0.0.0/8", NO),
    ("0.0.0.0/32", NO),
    ("10.0.0.0/8", NO),
    ("100.64.0.0/10", NO),
    ("127.0.0.0/8", NO),
    ("169.254.0.0/16", NO),
    ("172.16.0.0/12", NO),
    ("192.0.0.0/24", NO),
    ("192.0.0.0/29", NO),
    ("192.0.0.8/32", NO),
    ("192.0.0.9/32", YES),
    ("192.0.0.10/32", YES),
    ("192.0.0.170/32", NO),
    ("192.0.0.171/32", NO),
    ("192.0.2.0/24", NO),
    ("192.31.196.0/24", YES),
    ("192.52.193.0/24", YES),
    ("192.88.99.0/24", NA),
    ("192.88.99.2/32", NO),
    ("192.168.0.0/16", NO),
    ("192.175.48.0/24", YES),
    ("198.18.0.0/15", NO),
    ("198.51.100.0/24", NO),
    ("203.0.113.0/24", NO),
    ("240.0.0.0/4", NO),
    ("255.255.255.255/32", NO),
];

const IANA_V6: &[(&str, Option<bool>)] = &[
    ("::1/128", NO),
    ("::/128", NO),
    ("::ffff:0:0/96", NO),
    ("64:ff9b::/96", YES),
    ("64:ff9b:1::/48", NO),
    ("100::/64", NO),
    ("100:0:0:1::/64", NO),
    ("2001::/23", NO),
    ("2001::/32", NA),
    ("2001:1::1/128", YES),
    ("2001:1::2/128", YES),
    ("2001:1::3/128", YES),
    ("2001:2::/48", NO),
    ("2001:3::/32", YES),
    ("2001:4:112::/48", YES),
    ("2001:10::/28", NA),
    ("2001:20::/28", YES),
    ("2001:30::/28", YES),
    ("2001:db8::/32", NO),
    ("2002::/16", NA),
    ("2620:4f:8000::/48", YES),
    ("3fff::/20", NO),
    ("5f00::/16", NO),
    ("fc00::/7", NO),
    ("fe80::/10", NO),
];

fn prefix(text: &str) -> (IpAddr, u8) {
    let (address, length) = text.split_once('/').unwrap_or_else(|| panic!("{text}: no length"));
    (ip(address), length.parse().unwrap_or_else(|error| panic!("{text}: {error}")))
}

#[test]
fn every_iana_row_is_in_the_tables_with_its_global_flag() {
    for &(text, global) in IANA_V4 {
        let (IpAddr::V4(network), length) = prefix(text) else { panic!("{text} is not IPv4") };
        let row = IPV4_REGISTRY.iter().find(|row| row.network == network && row.length == length);
        assert_eq!(row.map(|row| row.iana_global), Some(global), "{text}");
    }
    for &(text, global) in IANA_V6 {
        let (IpAddr::V6(network), length) = prefix(text) else { panic!("{text} is not IPv6") };
        let row = IPV6_REGISTRY.iter().find(|row| row.network == network && row.length == length);
        assert_eq!(row.map(|row| row.iana_global), Some(global), "{text}");
    }
    // The registry rows plus multicast; plus multicast, compatible, translated, site-local, 6bone,
    // global unicast and the `::/0` default.
    assert_eq!(IPV4_REGISTRY.len(), IANA_V4.len() + 1);
    assert_eq!(IPV6_REGISTRY.len(), IANA_V6.len() + 7);
}

#[test]
fn rows_are_canonical_distinct_and_sourced() {
    for (index, row) in IPV4_REGISTRY.iter().enumerate() {
        assert!(row.length <= 32 && u32::from(row.network) & !mask32(row.length) == 0, "{row:?}");
        assert!(!row.name.is_empty() && row.source.starts_with("RFC "), "{row:?}");
        assert!(!IPV4_REGISTRY[..index].iter().any(|other| (other.network, other.length) == (row.network, row.length)));
    }
    for (index, row) in IPV6_REGISTRY.iter().enumerate() {
        assert!(row.length <= 128 && u128::from(row.network) & !mask128(row.length) == 0, "{row:?}");
        assert!(!row.name.is_empty() && row.source.starts_with("RFC "), "{row:?}");
        assert!(!IPV6_REGISTRY[..index].iter().any(|other| (other.network, other.length) == (row.network, row.length)));
    }
}

#[test]
fn every_ipv4_row_covers_exactly_its_prefix() {
    for row in IPV4_REGISTRY {
        let first = u32::from(row.network);
        let last = first | !mask32(row.length);
        for edge in [first, last] {
            let address = Ipv4Addr::from(edge);
            let best = ipv4_row(address).unwrap_or_else(|| panic!("{address} is in no row"));
            assert!(row.contains(address) && best.length >= row.length && best.contains(address), "{address}");
            assert_eq!(classify(IpAddr::V4(address)), expected(IpAddr::V4(address), best.class), "{address}");
        }
        for outside in [first.checked_sub(1), last.checked_add(1)].into_iter().flatten() {
            let address = Ipv4Addr::from(outside);
            assert!(!row.contains(address), "{address} is outside {row:?}");
            assert_ne!(ipv4_row(address), Some(row), "{address}");
        }
    }
}

#[test]
fn every_ipv6_row_covers_exactly_its_prefix() {
    for row in IPV6_REGISTRY {
        let first = u128::from(row.network);
        let last = first | !mask128(row.length);
        for edge in [first, last] {
            let address = Ipv6Addr::from(edge);
            let best = ipv6_row(address).unwrap_or_else(|| panic!("{address} is in no row"));
            assert!(row.contains(address) && best.length >= row.length && best.contains(address), "{address}");
            assert_eq!(classify(IpAddr::V6(address)), expected(IpAddr::V6(address), best.class), "{address}");
        }
        for outside in [first.checked_sub(1), last.checked_add(1)].into_iter().flatten() {
            let address = Ipv6Addr::from(outside);
            assert!(!row.contains(address), "{address} is outside {row:?}");
            assert_ne!(ipv6_row(address), Some(row), "{address}");
        }
    }
}

#[test]
fn a_middle_address_of_every_row_gets_the_row_class() {
    let cases = [
        ("0.1.2.3", Unspecified),
        ("0.0.0.0", Unspecified),
        ("10.1.2.3", Private),
        ("100.72.0.1", SharedCgnat),
        ("127.0.0.1", Loopback),
        ("169.254.10.1", LinkLocal),
        ("172.31.255.1", Private),
        ("192.0.0.100", Reserved),
        ("192.0.0.1", Translation),
        ("192.0.0.8", Reserved),
        ("192.0.0.9", Reserved),
        ("192.0.0.10", Reserved),
        ("192.0.0.170", Reserved),
        ("192.0.0.171", Reserved),
        ("192.0.2.1", Documentation),
        ("192.52.193.1", Reserved),
        ("192.88.99.1", Translation),
        ("192.88.99.2", Translation),
        ("192.168.1.1", Private),
        ("198.19.0.1", Benchmarking),
        ("198.51.100.7", Documentation),
        ("203.0.113.9", Documentation),
        ("240.0.0.1", Reserved),
        ("255.255.255.254", Reserved),
        ("255.255.255.255", Broadcast),
        ("224.0.0.1", Multicast),
        ("239.255.255.250", Multicast),
        ("::1", Loopback),
        ("::", Unspecified),
        ("64:ff9b:1::808:808", Translation),
        ("100::1", Reserved),
        ("100:0:0:1::1", Reserved),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", Translation),
        ("2001:1::1", Reserved),
        ("2001:1::2", Reserved),
        ("2001:1::3", Reserved),
        ("2001:1::4", Reserved),
        ("2001:2::1", Benchmarking),
        ("2001:3::1", Reserved),
        ("2001:10::1", Reserved),
        ("2001:20::1", Reserved),
        ("2001:30::1", Reserved),
        ("2001:db8::1", Documentation),
        ("2002:808:808::1", Translation),
        ("3fff::1", Documentation),
        ("3fff:fff::1", Documentation),
        ("5f00::1", Reserved),
        ("fd12::1", Private),
        ("fc00::1", Private),
        ("fe80::1", LinkLocal),
        ("febf::1", LinkLocal),
        ("ff02::1", Multicast),
        ("::8.8.8.8", Translation),
        ("::ffff:0:8.8.8.8", Translation),
        ("fec0::1", Private),
        ("3ffe::1", Reserved),
        ("4000::1", Reserved),
        ("1000::1", Reserved),
        ("e000::1", Reserved),
    ];
    for (text, class) in cases {
        assert_eq!(class_of(text), Some(class), "{text}");
    }
}

#[test]
fn public_addresses_and_allowed_rows_pass() {
    for text in [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "168.63.129.15",
        "2606:4700::1111",
        "2a00:1450:4001::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "64:ff9b::93.184.215.14",
        "192.31.196.1",
        "192.175.48.6",
        "2001:4:112::1",
        "2620:4f:8000::1",
        "3fff:1000::1",
        "2001:dbf::1",
    ] {
        assert_eq!(class_of(text), None, "{text}");
    }
}

#[test]
fn the_allowed_rows_are_exactly_the_documented_exceptions() {
    let v4: Vec<String> =
        IPV4_REGISTRY.iter().filter(|row| row.class.is_none()).map(|r| format!("{}/{}", r.network, r.length)).collect();
    assert_eq!(v4, ["192.31.196.0/24", "192.175.48.0/24"]);
    let v6: Vec<String> =
        IPV6_REGISTRY.iter().filter(|row| row.class.is_none()).map(|r| format!("{}/{}", r.network, r.length)).collect();
    assert_eq!(v6, ["::ffff:0.0.0.0/96", "64:ff9b::/96", "2001:4:112::/48", "2620:4f:8000::/48", "2000::/3"]);
}

#[test]
fn embedded_ipv4_is_judged_by_the_ipv4_table() {
    let cases = [
        ("::7f00:1", Loopback),
        ("::127.0.0.1", Loopback),
        ("::ffff:0:a00:1", Private),
        ("::ffff:10.0.0.1", Private),
        ("::ffff:127.0.0.1", Loopback),
        ("::ffff:0.0.0.0", Unspecified),
        ("2002:0a00:0001::", Private),
        ("2002:c0a8:0101::", Private),
        ("2002:7f00:1::1", Loopback),
        // Teredo, server 65.54.227.120, client 127.0.0.1 stored inverted (0x80fffffe).
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", Loopback),
        // Teredo, client 10.1.2.3 (inverted 0xf5fefdfc).
        ("2001:0:4136:e378:8000:63bf:f5fe:fdfc", Private),
        // Teredo, private server 192.168.0.1, public client 8.8.8.8.
        ("2001:0:c0a8:1:8000:63bf:f7f7:f7f7", Private),
        ("64:ff9b::7f00:1", Loopback),
        ("64:ff9b::a00:1", Private),
        ("64:ff9b::6440:1", SharedCgnat),
        ("64:ff9b:1::a00:1", Private),
        ("fe80::5efe:10.0.0.1", Private),
        ("fe80::200:5efe:a00:1", Private),
        ("2001:db8::200:5efe:a00:1", Private),
        ("2606:4700::5efe:c0a8:101", Private),
    ];
    for (text, class) in cases {
        assert_eq!(class_of(text), Some(class), "{text}");
    }
    let IpAddr::V6(teredo) = ip("2001:0:4136:e378:8000:63bf:80ff:fffe") else { unreachable!() };
    assert_eq!(embedded_ipv4(teredo), [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(65, 54, 227, 120)]);
    let IpAddr::V6(local_nat64) = ip("64:ff9b:1:a9fe:a9:fe00::") else { unreachable!() };
    assert!(embedded_ipv4(local_nat64).contains(&Ipv4Addr::new(169, 254, 169, 254)));
    let IpAddr::V6(plain) = ip("2a00:1450:4001::1") else { unreachable!() };
    assert!(embedded_ipv4(plain).is_empty());
}

#[test]
fn metadata_is_refused_plainly_and_through_every_embedding() {
    for entry in METADATA_ADDRESSES {
        assert_eq!(classify(entry.address), Some(Metadata), "{}", entry.address);
        assert!(!entry.service.is_empty() && !entry.source.is_empty());
        let IpAddr::V4(v4) = entry.address else { continue };
        let [a, b, c, d] = v4.octets().map(u16::from);
        let (high, low) = (a << 8 | b, c << 8 | d);
        let wrapped = [
            [0, 0, 0, 0, 0, 0xffff, high, low],
            [0, 0, 0, 0, 0xffff, 0, high, low],
            [0, 0, 0, 0, 0, 0, high, low],
            [0x64, 0xff9b, 0, 0, 0, 0, high, low],
            [0x64, 0xff9b, 1, 0, 0, 0, high, low],
            [0x64, 0xff9b, 1, high, c, d << 8, 0, 0],
            [0x2002, high, low, 0, 0, 0, 0, 1],
            [0x2001, 0, 0x4136, 0xe378, 0x8000, 0x63bf, !high, !low],
            [0x2001, 0, high, low, 0x8000, 0x63bf, 0xf7f7, 0xf7f7],
            [0xfe80, 0, 0, 0, 0x200, 0x5efe, high, low],
        ];
        for [s0, s1, s2, s3, s4, s5, s6, s7] in wrapped {
            let v6 = Ipv6Addr::new(s0, s1, s2, s3, s4, s5, s6, s7);
            assert_eq!(classify(IpAddr::V6(v6)), Some(Metadata), "{v6} carries {v4}");
        }
    }
    for text in ["169.254.170.2", "169.254.169.254", "64:ff9b::a9fe:a9fe", "::ffff:169.254.169.254", "fd00:ec2::254"] {
        assert_eq!(class_of(text), Some(Metadata), "{text}");
    }
    assert_eq!(class_of("169.254.169.1"), Some(LinkLocal));
}

#[test]
fn descriptions_keep_the_words_messages_are_matched_on() {
    for (class, word) in [
        (Loopback, "loopback"),
        (Private, "private"),
        (LinkLocal, "link-local"),
        (SharedCgnat, "carrier-grade"),
        (Metadata, "metadata"),
        (Unspecified, "unspecified"),
        (Multicast, "multicast"),
        (Reserved, "reserved"),
    ] {
        assert!(class.describe().contains(word), "{class:?}");
    }
}
