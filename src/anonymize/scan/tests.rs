use super::write::hex_group;
use super::*;

fn find(s: &str) -> Vec<(String, String)> {
    let mut v = Vec::new();
    find_each(s.as_bytes(), b'\n', |f| {
        v.push((s[f.start..f.end].to_string(), f.ip.to_string()))
    });
    v
}

fn texts(s: &str) -> Vec<String> {
    find(s).into_iter().map(|(t, _)| t).collect()
}

#[test]
fn finds_every_textual_form() {
    let table: &[(&str, &[&str])] = &[
        ("192.0.2.1 - - [x]", &["192.0.2.1"]),
        ("from 192.0.2.44:51234 ok", &["192.0.2.44"]),
        ("[2001:db8::44]:443", &["2001:db8::44"]),
        ("client 198.51.100.3#53", &["198.51.100.3"]),
        ("client 2001:db8::3#53", &["2001:db8::3"]),
        ("fe80::1%eth0 up", &["fe80::1"]),
        ("X 2001:DB8::ABCD y", &["2001:DB8::ABCD"]),
        ("m ::ffff:192.0.2.99 n", &["::ffff:192.0.2.99"]),
        ("m ::FFFF:203.0.113.5:80 n", &["::FFFF:203.0.113.5"]),
        ("2001:db8:1:2:3:4:5:6", &["2001:db8:1:2:3:4:5:6"]),
        ("2001:db8:1:2:3:4:5:6:7", &["2001:db8:1:2:3:4:5:6"]),
        ("GET /r?to=http://203.0.113.77/x", &["203.0.113.77"]),
        ("?ip=192.0.2.201&x=1", &["192.0.2.201"]),
        ("?addr=2001%3Adb8%3A%3A77&z", &["2001%3Adb8%3A%3A77"]),
        (
            "203.0.113.9, 198.51.100.23,2001:db8:aa::17",
            &["203.0.113.9", "198.51.100.23", "2001:db8:aa::17"],
        ),
        ("\"ip\":\"192.0.2.8\"}", &["192.0.2.8"]),
        ("a1.2.3.4", &["1.2.3.4"]),
        ("v=1.2.3.4.5", &["1.2.3.4"]),
        ("xff:2001:db8::1", &["2001:db8::1"]),
        ("::1", &["::1"]),
        ("::", &["::"]),
        ("2001:db8::1/64", &["2001:db8::1"]),
        ("2001:db8::1:", &["2001:db8::1"]),
        ("::192.0.2.1", &["::192.0.2.1"]),
        // Digits glued before the first octet are left out (fail closed: the host octets
        // are rewritten whatever the first one was).
        ("1234.1.2.3", &["234.1.2.3"]),
        ("256.1.2.3", &["56.1.2.3"]),
        ("2019.0.2.1 1000.1.2.3", &["19.0.2.1", "0.1.2.3"]),
        // A label and a dot before IPv6: its first group is the address's (a new user's
        // review: `db8:1:2::5` was read, and the /48 kept a group too many).
        ("a.2001:db8:1:2::5 b", &["2001:db8:1:2::5"]),
        ("v.2002:c000:24d::1", &["2002:c000:24d::1"]),
        ("http://a.2001:db8:1:2::5/", &["2001:db8:1:2::5"]),
        (
            "a.2001:db8:1:2:3:4:192.0.2.77",
            &["2001:db8:1:2:3:4:192.0.2.77"],
        ),
        ("1.2.3.4:80", &["1.2.3.4"]),
    ];
    for (line, want) in table {
        assert_eq!(texts(line), *want, "line {line:?}");
    }
}

/// A dotted quad written with dashes that ends a host name's label: networks name hosts by
/// their address, forward or reversed (a new user's review: `ip-192-0-2-11.ec2.internal` in a
/// query name passed unchanged).
#[test]
fn dashed_quads_in_host_names() {
    let table: &[(&str, &[&str])] = &[
        ("q ip-192-0-2-11.ec2.internal IN A", &["192-0-2-11"]),
        ("c-198-51-100-7.hsd1.ma.example.net", &["198-51-100-7"]),
        ("//ec2-203-0-113-5.compute-1.example.com/", &["203-0-113-5"]),
        ("11-2-0-192.dyn.example", &["11-2-0-192"]),
        ("dsl192-0-2-11.example", &["192-0-2-11"]),
        ("\"x-010-0-0-5.e100.example\"", &["010-0-0-5"]),
        // Not after another group of digits standing alone (a date, a file name); after a
        // word that ends in a digit, yes.
        ("1-2-3-4-5.example backup-2026-12-04-10-30.tar.gz", &[]),
        (
            "ec2-203-0-113-9 host2-192-0-2-77.x",
            &["203-0-113-9", "192-0-2-77"],
        ),
        // A name's root dot ends it (Unbound writes names so).
        (
            "q ip-192-0-2-77. A IN http://ip-203-0-113-9./x",
            &["192-0-2-77", "203-0-113-9"],
        ),
        // Not a quad: digits glued to the first group, an octet over 255, three groups, no
        // label after the dot (or one that starts with a digit: versions are followed by
        // digits), a dot that begins a dotted quad.
        ("2026-1-2-3.log 1-2-3-256.x 10-0-5.x 1-2-3-4.5a", &[]),
        ("a-1-2-3-4.5.6.7 x", &["4.5.6.7"]),
        ("Safari/537.36 HTTP/1.1 Chrome/120.0-1.2 v1-2.3", &[]),
        // At a label's end with no dot after it: a single-label host name, a syslog host (a
        // new user's review: `ip-192-0-2-77` stayed, and stats published it as a TLD).
        (
            "Oct 10 13:55:36 ip-192-0-2-77 dnsmasq[77]:",
            &["192-0-2-77"],
        ),
        (
            "q 192-0-2-77 a.198-51-100-7 x",
            &["192-0-2-77", "198-51-100-7"],
        ),
        (
            "{\"_HOSTNAME\":\"ip-192-0-2-77\"} ip-10-0-0-1:53",
            &["192-0-2-77", "10-0-0-1"],
        ),
        // Not after more groups of digits (a date and time), nor before a byte that
        // continues a label.
        (
            "2026-12-04-10-30 1-2-3-4-5 1-2-3-4x 1-2-3-4_ 1-2-3-4-a 2024-1-2-3 1-2-3-1000",
            &[],
        ),
    ];
    for (line, want) in table {
        assert_eq!(texts(line), *want, "line {line:?}");
    }
    let f = all(b"ip-192-0-2-11.ec2", b'\n', true);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].colons, Colons::DashV4);
    assert_eq!(f[0].ip, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 11)));
    let mut out = Vec::new();
    write_ip(&mut out, "10.0.2.0".parse().unwrap(), Colons::DashV4);
    assert_eq!(out, b"10-0-2-0");
    // A long line is never cut inside one (`-` is no cut byte).
    assert!(!is_cut_byte(b'-'));
}

/// Escapes end where the address begins, also when their last character is a digit or a
/// hex digit that would glue to it (issue 14: lines as nginx and Apache write them).
#[test]
fn escapes_are_boundaries() {
    let table: &[(&str, &[&str])] = &[
        (
            "GET /cgi-bin/test.cgi?cmd=ping%20192.0.2.1 HTTP/1.1",
            &["192.0.2.1"],
        ),
        ("/q?ip=%22192.0.2.55%22", &["192.0.2.55"]),
        (
            "x=%40198.51.100.7&y=%26192.0.2.56",
            &["198.51.100.7", "192.0.2.56"],
        ),
        (
            "%28198.51.100.11 /a%09192.0.2.62",
            &["198.51.100.11", "192.0.2.62"],
        ),
        (
            "%2C192.0.2.1%3D192.0.2.2%3A192.0.2.3",
            &["192.0.2.1", "192.0.2.2", "192.0.2.3"],
        ),
        (
            "%2520192.0.2.1 %252520192.0.2.2",
            &["192.0.2.1", "192.0.2.2"],
        ),
        (
            r#""GET /q?ip=\x22192.0.2.57\x22 HTTP/1.1""#,
            &["192.0.2.57"],
        ),
        (
            r#""Bot\x22192.0.2.66" "probe\x09192.0.2.67""#,
            &["192.0.2.66", "192.0.2.67"],
        ),
        (
            r#""\x22192.0.2.61\x22, 198.51.100.12""#,
            &["192.0.2.61", "198.51.100.12"],
        ),
        (
            r#""http_user_agent":"\u0001192.0.2.63" \u0022192.0.2.64"#,
            &["192.0.2.63", "192.0.2.64"],
        ),
        ("%u0022192.0.2.65", &["192.0.2.65"]),
        (
            "&quot;192.0.2.1 &#34;192.0.2.2 &#x22;192.0.2.3",
            &["192.0.2.1", "192.0.2.2", "192.0.2.3"],
        ),
        ("q=ping+192.0.2.1", &["192.0.2.1"]),
        ("%202001:db8::1", &["2001:db8::1"]),
        (
            r#"\x22[2001:db8::1]:443 \x222001:db8::2"#,
            &["2001:db8::1", "2001:db8::2"],
        ),
        (
            "%22::ffff:192.0.2.1 %20192.0.2.9:443",
            &["::ffff:192.0.2.1", "192.0.2.9"],
        ),
        (
            "ref=%5B2001:db8:1234:5678:9abc:def0:1234:5678%5D",
            &["2001:db8:1234:5678:9abc:def0:1234:5678"],
        ),
        (
            "%5B2001:db8:aa:bb::17%5D %5Bdb8::1%5D",
            &["2001:db8:aa:bb::17", "db8::1"],
        ),
        ("xff=%2C%202001:db8:1:2:3:4:5:6", &["2001:db8:1:2:3:4:5:6"]),
        (
            "client_2001:db8:1:2::7 x2001:db8:1:2::8",
            &["2001:db8:1:2::7", "2001:db8:1:2::8"],
        ),
        (
            "ab2001:db8:1:2::9 x::2001:db8:aa:bb:1",
            &["2001:db8:1:2::9", "::2001:db8:aa:bb:1"],
        ),
        (
            "192%2E0%2E2%2E1 2001%3Adb8%3A%3A1",
            &["192%2E0%2E2%2E1", "2001%3Adb8%3A%3A1"],
        ),
        (
            "%20192.0.2.1%2C%20198.51.100.2",
            &["192.0.2.1", "198.51.100.2"],
        ),
    ];
    for (line, want) in table {
        assert_eq!(texts(line), *want, "line {line:?}");
    }
    // Identifiers glued to a short hex group stay what they are.
    for line in [
        "std::vector<int>",
        "Foo::Bar::Baz",
        "std::bad_alloc",
        "x::1",
    ] {
        assert_eq!(texts(line), Vec::<String>::new(), "line {line:?}");
    }
    assert_eq!(texts("ref:2001:db8::1"), ["2001:db8::1"]);
}

/// Address bytes written as escapes (a percent escape, double-encoded, nginx's `\x`, JSON's
/// `\u00`, IIS's `%u00`) are decoded: the literal is found, its span the escaped bytes (a new
/// user's review: `?a=%31%39%32.0.2.20` passed unchanged).
#[test]
fn escaped_address_bytes_are_decoded() {
    let table: &[(&str, &[(&str, &str)])] = &[
        (
            "?a=%31%39%32.0.2.20&b",
            &[("%31%39%32.0.2.20", "192.0.2.20")],
        ),
        (
            "k=%31%39%32%2E%30%2E%32%2E%32%30 x",
            &[("%31%39%32%2E%30%2E%32%2E%32%30", "192.0.2.20")],
        ),
        (
            "%2531%2539%2532.0.2.21",
            &[("%2531%2539%2532.0.2.21", "192.0.2.21")],
        ),
        (
            r"x\x31\x39\x32.0.2.22",
            &[(r"\x31\x39\x32.0.2.22", "192.0.2.22")],
        ),
        (r"a 192.0.2.2\x33 b", &[(r"192.0.2.2\x33", "192.0.2.23")]),
        (
            r#""j":"192\u002e0\u002e2\u002e6""#,
            &[(r"192\u002e0\u002e2\u002e6", "192.0.2.6")],
        ),
        (
            "%u0031%u0039%u0032.0.2.7",
            &[("%u0031%u0039%u0032.0.2.7", "192.0.2.7")],
        ),
        ("%32001:db8::%31 z", &[("%32001:db8::%31", "2001:db8::1")]),
        // BIND writes a dot inside a label escaped.
        (
            r"(192\.0\.2\.8.example.com): query:",
            &[(r"192\.0\.2\.8", "192.0.2.8")],
        ),
        (
            r"^198\.51\.100\.9$",
            &[(r"198\.51\.100\.9", "198.51.100.9")],
        ),
        (
            "2001%3Adb8%3A%3A%61b",
            &[("2001%3Adb8%3A%3A%61b", "2001:db8::ab")],
        ),
        ("%31.2.0.192.in-addr.arpa", &[("%31.2.0.192", "192.0.2.1")]),
        // A literal before the escaped one is found once, the escaped run after it decoded.
        (
            "192.0.2.1 %31%39%32.0.2.2",
            &[("192.0.2.1", "192.0.2.1"), ("%31%39%32.0.2.2", "192.0.2.2")],
        ),
        // An escape that ends before the run is still a boundary.
        ("%20%31%39%32.0.2.3", &[("%31%39%32.0.2.3", "192.0.2.3")]),
        (r"\x22%31%39%32.0.2.4", &[("%31%39%32.0.2.4", "192.0.2.4")]),
    ];
    for (line, want) in table {
        let got: Vec<(String, String)> = find(line);
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(t, ip)| (t.to_string(), ip.to_string()))
            .collect();
        assert_eq!(got, want, "line {line:?}");
    }
    // Escapes of other bytes, and of dots alone, hold no address.
    for line in [
        "%2E%2E%2F%2E%2E%2Fetc",
        "%252E%252E%252F",
        r"\x2e\x2e/",
        "%41%42%43",
        "%C3%A9",
    ] {
        assert_eq!(texts(line), Vec::<String>::new(), "line {line:?}");
    }
}

proptest::proptest! {
    /// Writing any of a line's address bytes as escapes finds the same addresses, in order.
    #[test]
    fn escaped_bytes_find_what_plain_bytes_find(
        tokens in proptest::collection::vec(proptest::sample::select(vec![
            // The text, and which of its bytes may be escaped (a name's suffix, which says how
            // the labels before it read, is written plain; so is a classless name's host label).
            ("192.0.2.1", 0..9), ("198.51.100.77", 0..13), ("2001:db8::1", 0..11),
            ("2001:db8:aa:bb:cc:dd:ee:ff", 0..26), ("::ffff:203.0.113.9", 0..18), (" ", 0..0),
            (" ", 0..0), ("/", 0..0), ("?a=", 0..0), ("&", 0..0), ("x", 0..0), ("-", 0..0),
            ("=", 0..0), (":80", 0..3), ("[", 0..0), ("]", 0..0),
            ("17.2.0.192.in-addr.arpa", 0..10), ("12.2.0.192.zen.example", 0..10),
            ("77.0-25.2.0.192.in-addr.arpa", 2..16),
        ]), 1..8),
        escapes in proptest::collection::vec((0usize..64, 0usize..6), 0..12),
    ) {
        let mut plain = Vec::new();
        let mut may = Vec::new();
        for (text, may_escape) in &tokens {
            plain.extend_from_slice(text.as_bytes());
            may.extend((0..text.len()).map(|k| may_escape.contains(&k)));
        }
        let mut style = vec![None; plain.len()];
        for (at, kind) in escapes {
            if at < plain.len() && may[at] {
                style[at] = Some(kind);
            }
        }
        let mut line = Vec::new();
        for (&b, s) in plain.iter().zip(&style) {
            match s {
                None => line.push(b),
                Some(0) => line.extend_from_slice(format!("%{b:02X}").as_bytes()),
                Some(1) => line.extend_from_slice(format!("%25{b:02x}").as_bytes()),
                Some(2) => line.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
                Some(3) => line.extend_from_slice(format!("\\u00{b:02x}").as_bytes()),
                Some(5) if b == b'.' => line.extend_from_slice(b"\\."),
                Some(_) => line.extend_from_slice(format!("%u00{b:02X}").as_bytes()),
            }
        }
        let ips = |t: &[u8]| {
            let mut v = Vec::new();
            find_each(t, b'\n', |f| v.push(f.ip));
            v
        };
        proptest::prop_assert_eq!(ips(&line), ips(&plain), "{}", String::from_utf8_lossy(&line));
    }
}

/// A long line is cut only where what follows needs no byte before the one it carries.
#[test]
fn cut_bytes_keep_escapes_whole() {
    let line = br"a \x22192.0.2.57 b \u0001192.0.2.63";
    let whole = all(line, b'\n', true);
    for cut in 1..line.len() {
        if !is_cut_byte(line[cut - 1]) {
            continue;
        }
        let mut parts = all(&line[..cut], b'\n', true);
        parts.extend(
            all(&line[cut..], line[cut - 1], true)
                .into_iter()
                .map(|mut f| {
                    f.start += cut;
                    f.end += cut;
                    f
                }),
        );
        assert_eq!(parts, whole, "cut at {cut}");
    }
    assert_eq!(whole.len(), 2);
}

/// More than eight groups without `::`: the eight that begin as a client's address does, when
/// the first eight do not (a review: `1:2001:db8:1:2:3:4:5:77` kept its `77`); eight groups
/// and a port stay so.
#[test]
fn more_than_eight_ipv6_groups() {
    for (line, want) in [
        (
            "x 1:2001:db8:1:2:3:4:5:77 y",
            ("2001:db8:1:2:3:4:5:77", "2001:db8:1:2:3:4:5:77"),
        ),
        (
            "13:55:36:2001:db8:1:2:3:4:5:77",
            ("2001:db8:1:2:3:4:5:77", "2001:db8:1:2:3:4:5:77"),
        ),
        (
            "a:fd00:1:2:3:4:5:6:7",
            ("fd00:1:2:3:4:5:6:7", "fd00:1:2:3:4:5:6:7"),
        ),
        (
            "2001:db8:1:2:3:4:5:77:53",
            ("2001:db8:1:2:3:4:5:77", "2001:db8:1:2:3:4:5:77"),
        ),
        ("0:1:2:3:4:5:6:7:8", ("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7")),
    ] {
        let got = find(line);
        assert_eq!(
            got.first().map(|(t, ip)| (t.as_str(), ip.as_str())),
            Some(want),
            "{line}"
        );
    }
}

/// A cut IPv6 literal (a line, field or X-Forwarded-For list cut mid-address) is read as the
/// prefix its groups write: its host groups were raw before.
#[test]
fn cut_ipv6_literals_are_prefixes() {
    for (line, want) in [
        (
            "a 2001:db8:1234:5678:9abc",
            vec![("2001:db8:1234:5678:9abc", "2001:db8:1234:5678:9abc::")],
        ),
        (
            "b 2001:db8:1234:5678:9abc:def0:1: x",
            vec![(
                "2001:db8:1234:5678:9abc:def0:1",
                "2001:db8:1234:5678:9abc:def0:1:0",
            )],
        ),
        (
            "198.51.100.1, 2001:db8:1234:5678:9abc:de",
            vec![
                ("198.51.100.1", "198.51.100.1"),
                ("2001:db8:1234:5678:9abc:de", "2001:db8:1234:5678:9abc:de::"),
            ],
        ),
        (
            "?a=2001%3Adb8%3A1234%3A5678%3A9abc&",
            vec![(
                "2001%3Adb8%3A1234%3A5678%3A9abc",
                "2001:db8:1234:5678:9abc::",
            )],
        ),
        // Decimal groups are groups (a truncated literal's are); a clock's first group is
        // shorter; a quad after them is IPv4.
        (
            "1234:12:13:14:15",
            vec![("1234:12:13:14:15", "1234:12:13:14:15::")],
        ),
        ("12:10:10:13:55 10:10:13:55:36.5", vec![]),
        // Four groups before a quad are a cut literal too (`5678` was kept).
        (
            "2001:db8:1234:5678:192.0.2.1",
            vec![
                ("2001:db8:1234:5678", "2001:db8:1234:5678::"),
                ("192.0.2.1", "192.0.2.1"),
            ],
        ),
        // Four groups that are no clock (a new user's review: bits 48-63 were kept); a clock
        // (three groups of two decimal digits after the first) and a short first group are not.
        (
            "ip=2001:db8:abcd:1234 [2001:db8:1:2]:80 2001:4860:1234:5678",
            vec![
                ("2001:db8:abcd:1234", "2001:db8:abcd:1234::"),
                ("2001:db8:1:2", "2001:db8:1:2::"),
                ("2001:4860:1234:5678", "2001:4860:1234:5678::"),
            ],
        ),
        (
            "[10/Oct/2026:13:55:36 +0000] 2026%3A13%3A55%3A36 00:1a:2b:3c",
            vec![],
        ),
    ] {
        let got: Vec<(String, String)> = find(line);
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "{line}");
    }
}

#[test]
fn leaves_non_addresses_alone() {
    for line in [
        "[10/Oct/2026:13:55:36 +0000]",
        "2026-11-01T13:55:36.123Z",
        "std::vector<int> Foo::Bar",
        "00:1a:2b:3c:4d:5e",
        "ab:cd:ef:01:23 1a:2b:3c:4d:5e:6f",
        "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.6099.109 Safari/537.36",
        "1.2.3.1234",
        "12:34:56.789",
        "deadbeef cafe",
        "100%3Aoff",
        "%%%3",
    ] {
        assert_eq!(texts(line), Vec::<String>::new(), "line {line:?}");
    }
}

#[test]
fn values_are_parsed() {
    let v = find("x ::ffff:192.0.2.99 2001:DB8:0:0:0:0:0:ABCD 2001%3adb8%3A%3A77 010.0.0.1");
    let ips: Vec<&str> = v.iter().map(|(_, ip)| ip.as_str()).collect();
    assert_eq!(
        ips,
        [
            "::ffff:192.0.2.99",
            "2001:db8::abcd",
            "2001:db8::77",
            "10.0.0.1"
        ]
    );
}

#[test]
fn prev_byte_context_applies_at_piece_start() {
    let mut n = 0;
    find_each(b"::1 x", b'd', |_| n += 1);
    assert_eq!(n, 0, "`d::1` glued to a word must not start an address");
    find_each(b"::1 x", b' ', |_| n += 1);
    assert_eq!(n, 1);
}

#[test]
fn write_ip_styles() {
    let mut out = Vec::new();
    write_ip(&mut out, "192.0.2.0".parse().unwrap(), Colons::Plain);
    out.push(b' ');
    write_ip(&mut out, "2001:db8::".parse().unwrap(), Colons::Percent);
    out.push(b' ');
    write_ip(&mut out, "::ffff:192.0.2.0".parse().unwrap(), Colons::Plain);
    assert_eq!(out, b"192.0.2.0 2001%3Adb8%3A%3A ::ffff:192.0.2.0");
}

#[test]
fn ipv6_text_equals_std_display() {
    let mut x: u128 = 0x2001_0db8_0000_0000_0000_0000_0000_0001;
    let mut seen = 0;
    for k in 0..20_000u32 {
        // Addresses rich in zero groups: runs of every length at every position.
        x = x
            .wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
            .wrapping_add(k as u128);
        let mask = (0..8).fold(0u128, |m, i| {
            if (x >> (i * 7)) & 1 == 1 {
                m | (0xffffu128 << (16 * i))
            } else {
                m
            }
        });
        let a = Ipv6Addr::from(x & mask);
        for ip in [
            a,
            Ipv6Addr::from(k as u128),
            Ipv6Addr::from((k as u128) << 96),
        ] {
            let mut out = Vec::new();
            write_ip(&mut out, IpAddr::V6(ip), Colons::Plain);
            assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
            seen += 1;
        }
    }
    assert_eq!(seen, 60_000);
}

#[test]
fn reverse_dns_names() {
    let full6 = "4.3.2.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
    let cases = [
        ("ptr 4.3.2.1.in-addr.arpa. x", Some(("4.3.2.1", "1.2.3.4"))),
        (
            "ptr 55.100.51.198.IN-ADDR.ARPA",
            Some(("55.100.51.198", "198.51.100.55")),
        ),
        ("q 9.4.3.2.1.in-addr.arpa", Some(("4.3.2.1", "1.2.3.4"))),
        ("zone 2.0.192.in-addr.arpa", None),
        // No reverse name (a label of four digits) and no address: left alone.
        ("zone 1000.2.0.192.in-addr.arpa", None),
        // A name's root dot after a dashed quad (`1-2-3-4.`) ends it: an address.
        ("1-2-3-4. 1-2-3-4.", Some(("1-2-3-4", "1.2.3.4"))),
        // RFC 2317 classless delegations: the host is the label before the delegation's (a
        // new user's review: `26` was taken for the host and `77` kept).
        (
            "q 77.64/26.2.0.192.in-addr.arpa",
            Some(("77.64/26.2.0.192", "192.0.2.77")),
        ),
        (
            "q 77.64-26.2.0.192.in-addr.arpa",
            Some(("77.64-26.2.0.192", "192.0.2.77")),
        ),
        (
            "q 77.subnet64.2.0.192.IN-ADDR.ARPA",
            Some(("77.subnet64.2.0.192", "192.0.2.77")),
        ),
        // The delegation's zone itself names no host; its `/` escaped, the host is found.
        ("zone 64/26.2.0.192.in-addr.arpa", None),
        (
            "q 77.64%2F26.2.0.192.in-addr.arpa",
            Some(("77.64%2F26.2.0.192", "192.0.2.77")),
        ),
        (
            "q 77.64\\/26.2.0.192.in-addr.arpa",
            Some(("77.64\\/26.2.0.192", "192.0.2.77")),
        ),
        // Its network labels written with an escaped dot, the host label before the
        // delegation is found (a fuzz run: `7` was taken for it, and a second pass took `8`);
        // a host label glued to an escape's digits is the host's.
        (
            "8.8-7.2%2E1.2.in-addr.arpa",
            Some(("8.8-7.2%2E1.2", "2.1.2.8")),
        ),
        (
            "q 77.0/25.2%2E0.192.in-addr.arpa",
            Some(("77.0/25.2%2E0.192", "192.0.2.77")),
        ),
        (
            "q=%2077.0-25.2.0.192.in-addr.arpa",
            Some(("77.0-25.2.0.192", "192.0.2.77")),
        ),
        (
            "q=\\x2277.0-25.2%2E0.192.in-addr.arpa",
            Some(("77.0-25.2%2E0.192", "192.0.2.77")),
        ),
        // Every dot escaped, as a query string may write a name (a review found the host
        // kept); the delegation's separator and the dot before it escaped.
        (
            "?name=17%2E2%2E0%2E192%2Ein-addr%2Earpa",
            Some(("17%2E2%2E0%2E192", "192.0.2.17")),
        ),
        (
            "?name=17%252E2%252E0%252E192%252Ein-addr%252Earpa",
            Some(("17%252E2%252E0%252E192", "192.0.2.17")),
        ),
        (
            "?name=77%2E0%2D25%2E2%2E0%2E192%2Ein-addr%2Earpa",
            Some(("77%2E0%2D25%2E2%2E0%2E192", "192.0.2.77")),
        ),
        (
            "?name=12%2E2%2E0%2E192%2Ezen%2Espamhaus%2Eorg",
            Some(("12%2E2%2E0%2E192", "12.2.0.192")), // a name's quad, rewritten both ways
        ),
    ];
    for (line, want) in cases {
        let got = find(line).into_iter().next();
        assert_eq!(
            got,
            want.map(|(t, ip)| (t.to_string(), ip.to_string())),
            "{line}"
        );
    }
    let line = format!("PTR {full6}.ip6.arpa");
    assert_eq!(
        find(&line),
        [(full6.to_string(), "2001:db8::1234".to_string())]
    );
    let partial = "x 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
    let got = find(partial);
    assert_eq!(
        got,
        [(
            "1.0.0.0.8.b.d.0.1.0.0.2".to_string(),
            "2001:db8:1::".to_string()
        )]
    );
    assert!(find("x ab.ip6.arpa").is_empty());
    let escaped = format!("?name={}%2Eip6%2Earpa", full6.replace('.', "%2E"));
    assert_eq!(
        find(&escaped),
        [(full6.replace('.', "%2E"), "2001:db8::1234".to_string())]
    );
    // The older `ip6.int`, and a blocklist query's nibbles before another name (a new user's
    // review: both passed unchanged); fewer than 16 nibbles there are no address.
    for suffix in ["ip6.int", "zen.spamhaus.org", "dnsbl.example"] {
        let line = format!("q {full6}.{suffix} IN A");
        assert_eq!(
            find(&line),
            [(full6.to_string(), "2001:db8::1234".to_string())],
            "{line}"
        );
    }
    assert!(
        texts("v 1.0.0.0.8.b.d.0.1.0.0.2.example")
            .iter()
            .all(|t| t != "1.0.0.0.8.b.d.0.1.0.0.2")
    );

    let mut out = Vec::new();
    write_ip(&mut out, "1.2.3.0".parse().unwrap(), Colons::ReverseV4);
    assert_eq!(out, b"0.3.2.1");

    out.clear();
    write_ip(
        &mut out,
        "2001:db8:1::".parse().unwrap(),
        Colons::ReverseV6(12),
    );
    assert_eq!(out, b"1.0.0.0.8.b.d.0.1.0.0.2");
}

/// The straightforward parser [`parse_v6`] must agree with: the previous implementation, kept
/// as a differential oracle for the tuned one (same results on random and edge inputs).
fn parse_v6_reference(s: &[u8], i0: usize, end: usize) -> Option<(usize, Ipv6Addr, Colons)> {
    let mut groups = [0u16; 8];
    let mut n = 0usize; // groups parsed
    let mut gap: Option<usize> = None; // index where `::` stands
    let mut pct = false;
    let mut i = i0;
    // Best (longest) valid literal so far: (end, groups, n, gap).
    let mut best: Option<(usize, [u16; 8], usize, Option<usize>)> = None;

    let c1 = colon_len(s, i, end);
    if c1 > 0 {
        let c2 = colon_len(s, i + c1, end);
        if c2 == 0 {
            return None;
        }
        pct |= c1 == 3 || c2 == 3;
        i += c1 + c2;
        gap = Some(0);
        best = Some((i, groups, n, gap));
    }
    loop {
        // A dotted IPv4 tail may take the last two groups.
        let room_for_tail = if gap.is_some() {
            n + 2 <= 7
        } else {
            n + 2 == 8
        };
        if room_for_tail && let Some((e, v4, false)) = parse_v4(s, i, end) {
            let o = v4.octets();
            groups[n] = u16::from_be_bytes([o[0], o[1]]);
            groups[n + 1] = u16::from_be_bytes([o[2], o[3]]);
            n += 2;
            best = Some((e, groups, n, gap));
            break;
        }
        let mut v: u16 = 0;
        let mut digits = 0;
        while i < end && digits < 4 {
            match hex_val(s[i]) {
                Some(h) => {
                    v = (v << 4) | h;
                    i += 1;
                    digits += 1;
                }
                None => break,
            }
        }
        if digits == 0 || (i < end && hex_val(s[i]).is_some()) {
            break; // no group, or a fifth hex digit: the literal ended before
        }
        groups[n] = v;
        n += 1;
        if (gap.is_some() && n <= 7) || (gap.is_none() && n == 8) {
            best = Some((i, groups, n, gap));
        }
        if n == 8 {
            break;
        }
        let c = colon_len(s, i, end);
        if c == 0 {
            break;
        }
        let c2 = colon_len(s, i + c, end);
        if c2 > 0 {
            if gap.is_some() || n > 7 {
                break;
            }
            pct |= c == 3 || c2 == 3;
            gap = Some(n);
            i += c + c2;
            best = Some((i, groups, n, gap));
        } else {
            pct |= c == 3;
            i += c;
        }
    }
    let (e, g, n, gap) = best?;
    let mut full = [0u16; 8];
    match gap {
        Some(at) => {
            full[..at].copy_from_slice(&g[..at]);
            let tail = n - at;
            full[8 - tail..].copy_from_slice(&g[at..n]);
        }
        None => full = g,
    }
    let colons = if pct { Colons::Percent } else { Colons::Plain };
    Some((e, Ipv6Addr::from(full), colons))
}

fn all(line: &[u8], prev: u8, fast: bool) -> Vec<Found> {
    let mut v = Vec::new();
    if fast {
        find_each_with::<true>(line, prev, |f| v.push(f));
    } else {
        find_each_with::<false>(line, prev, |f| v.push(f));
    }
    v
}

#[test]
fn shortcuts_agree_with_the_general_path_on_the_edges() {
    for line in [
        "a 192.0.2.1:80 b",
        "192.0.2.1:80:1",
        "192.0.2.1:8a",
        "192.0.2.1:",
        "x192.0.2.1 1234.0.2.1 1.2.3.4.5 ::1.2.3.4 1.2.3.4%3A1",
        "1.2.3.4#53 [1.2.3.4]:5 (1.2.3.4) 256.1.1.1 1.2.3.999",
        "7.7.7.7:1:2:3:4:5:6:7",
        "[10/Oct/2026:13:55:36 +0000] 13:55:36.123 x",
        "1:2:3:4:5:6 1:2:3:4:5:6:7 12:34:56.7.8 12:34:: 1:2:3:4:5:6.1.2.3",
        "13:55:36.1a 13:55:36%3A1 a13:55 13:55a 12345:1 1:12345",
        "2001:db8::1 [2001:db8::1]:53 2001:db8::1#53 x2001:db8::1 _1::2 1::2::3 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9 1:2:3:4::5:6:7:8 1:2:3:4:5:6:7:: 1:: 1::: 1:2 1:2: fe80::1%eth0",
        "2001:db8::1.2.3.4 2001:db8::1g 2001:db8::12345 ABCD:EF01::1 2001:db8::%3A1 -1::1-",
    ] {
        assert_eq!(
            all(line.as_bytes(), b'\n', true),
            all(line.as_bytes(), b'\n', false),
            "{line}"
        );
    }
    assert_eq!(all(b"2.3.4:1", b'1', true), all(b"2.3.4:1", b'1', false));
    for v6 in [
        "1::2:3:4:5:6:1.2.3.4",
        "1::2:3:4:5:1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4",
        "::ffff:1.2.3.4:80",
        "1:2:3:4:5:6:7:8:9",
        "12345::1",
        "1::2::3",
        "2001:db8::1.2",
        "2001%3Adb8%3A%3A1",
        "fe80::1a.2.3.4",
    ] {
        let b = v6.as_bytes();
        for k in 0..b.len() {
            assert_eq!(
                parse_v6(b, k, b.len()).map(|v| (v.end, v.ip, v.colons)),
                parse_v6_reference(b, k, b.len()),
                "{v6} at {k}"
            );
        }
    }
}

proptest::proptest! {
    /// Text without a digit, `:` or `%` holds nothing the finder takes.
    #[test]
    fn no_literal_without_digits_colons_or_percent(
        text in proptest::collection::vec(proptest::sample::select(
            b"abcdefABCDEF.-_/ []x%:0123456789ipnr".to_vec()), 0..40),
        prev in proptest::sample::select(b" .:0a%".to_vec()),
    ) {
        let mut found = false;
        find_each(&text, prev, |_| found = true);
        if found {
            proptest::prop_assert!(may_hold_literal(&text), "{}", String::from_utf8_lossy(&text));
        }
    }
}

proptest::proptest! {
    /// The shortcuts never change what is found (bytes drawn to make quads, ports, runs).
    #[test]
    fn shortcuts_agree_with_the_general_path(
        tokens in proptest::collection::vec(proptest::sample::select(vec![
            "192.0.2.1", "192.0.2.1", "1.2.3", "256.1.1.1", "1", "1234", ".", ":", ":80",
            "::", "2001:db8::1", " ", " ", "#", "a", "%3A", "%", "[", "]", "x", "ffff",
            "1:2:3:4:5:6", "ABCDE", "13:55:36", "13:55:36.123", "2026:13:55", ":5", "12345",
            "2001:db8:419c:591c::196a", "1:2:3:4:5:6:7:8", "::1", "_", "g", "dB8:",
            "\\x", "\\u", "%u", "u", "%20", "%25", "%2E", "20192.0.2.1",
            "2001:db8:1234:5678:9abc", "12:34:56:78:90", "00:1a:2b:3c:4d:5e", "de:",
            "2026:13:55:36", "2001:4860:12:34", "1234:5678:90ab", ":12",
            "%31", "\\x32", "\\u002e", "%252E", "%u0030", "%61", "\\", "%2F",
            "-", "1-2-3-4", "-7.", ".ec2", "ip-10-0-0-9",
        ]), 0..30),
        prev in proptest::sample::select(b"\n1a:. ".to_vec()),
    ) {
        let line = tokens.concat().into_bytes();
        proptest::prop_assert_eq!(all(&line, prev, true), all(&line, prev, false));
        for k in 0..line.len() {
            proptest::prop_assert_eq!(
                parse_v6(&line, k, line.len()).map(|v| (v.end, v.ip, v.colons)),
                parse_v6_reference(&line, k, line.len())
            );
        }
    }
}

#[test]
fn hex_groups_match_the_formatter() {
    for v in 0..=u16::MAX {
        let (text, digits) = hex_group(v);
        assert_eq!(&text[..digits], format!("{v:x}").as_bytes(), "{v:#x}");
    }
}

#[test]
/// A run of 400,000 address bytes (the worst case for run measuring) is scanned through.
fn a_very_long_run_is_scanned_through() {
    let s = "1:".repeat(100_000) + &"1.".repeat(100_000);
    let mut n = 0;
    find_each(s.as_bytes(), b'\n', |_| n += 1);
    assert!(n > 0);
}

proptest::proptest! {
    /// "This text is an address" reads as std's parser does, the shortcuts included: texts
    /// drawn from the pieces of addresses (groups, colons, gaps, dotted tails, leading zeros,
    /// `%3A`, zones).
    #[test]
    fn parse_addr_is_std(
        tokens in proptest::collection::vec(proptest::sample::select(vec![
            "1", "0", "00", "ffff", "FFFF", "db8", "2001", "12345", "g", ":", ":", ":", "::",
            ":::", ".", "192.0.2.1", "01.2.3.4", "256.1.1.1", "1.2.3", "%3A", "%", "%eth0", " ",
            "[", "]", "a", "0000", "00000",
        ]), 0..14),
    ) {
        let text = tokens.concat();
        let std = text.parse::<IpAddr>().ok();
        proptest::prop_assert_eq!(parse_addr(text.as_bytes()), std, "{}", text);
    }
}

proptest::proptest! {
    /// Every IPv6 address as std writes it (groups of zeros compressed or not, in either case)
    /// reads back as itself.
    #[test]
    fn parse_addr_reads_every_written_ipv6(
        bits in proptest::prelude::any::<u128>(),
        kept in 0u32..=8,
        turn in 0u32..8,
        upper: bool,
    ) {
        // `kept` groups of `bits`, turned by `turn` groups, the others zero: runs of zero
        // groups anywhere, so `::` lands anywhere.
        let keep = if kept == 8 { u128::MAX } else { !(u128::MAX >> (16 * kept)) };
        let ip = std::net::Ipv6Addr::from(bits & keep.rotate_right(16 * turn));
        // As std writes it, and all eight groups in full (`0000:0db8:…`).
        let hex = format!("{:032x}", ip.to_bits());
        let full: Vec<&str> = (0..8).map(|k| &hex[4 * k..4 * k + 4]).collect();
        for text in [ip.to_string(), full.join(":")] {
            let text = if upper { text.to_uppercase() } else { text };
            let std = text.parse::<IpAddr>().ok();
            proptest::prop_assert!(std.is_some());
            proptest::prop_assert_eq!(parse_addr(text.as_bytes()), std, "{}", text);
        }
    }
}

/// Regression guard for the IPv6 shortcut of [`parse_addr`]: the forms std takes and refuses.
#[test]
fn parse_addr_ipv6_table() {
    for t in [
        "::",
        "::1",
        "1::",
        "2001:db8::1",
        "2001:DB8:0:0:0:0:0:1",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6::8",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        ":1::",
        "1:::2",
        "1::2::3",
        "12345::",
        "::ffff:192.0.2.1",
        "::ffff:192.0.2.01",
        "1:2:3:4:5:6:192.0.2.1",
        "fe80::1%eth0",
        "[::1]",
        "::1 ",
        "0000:0000:0000:0000:0000:0000:0000:0001",
        "2001%3Adb8::1",
        ":",
        "1",
    ] {
        assert_eq!(parse_addr(t.as_bytes()), t.parse::<IpAddr>().ok(), "{t}");
    }
}

/// A literal found in a decoded run may end past it: the scan goes on after it, so no literal
/// overlaps another (a fuzz run: a dashed quad read on from `%2E01` and an IPv6 literal in its
/// last group).
#[test]
fn literals_never_overlap_after_a_decoded_run() {
    for line in [
        &b"%2E\x12%2E2:%2E01-1-202-103:4:0101:db:1\x152:3:4:5:60cb:1\0"[..],
        b"%2E01-1-202-103:4:0101:db:1 x",
        b":%2E1-1-02-104:20:4:2%3A%3A",
    ] {
        let mut last = 0;
        find_each(line, b'\n', |f| {
            assert!(f.start >= last, "{}", String::from_utf8_lossy(line));
            last = f.end;
        });
    }
}
