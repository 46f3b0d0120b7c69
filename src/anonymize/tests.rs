use super::*;

fn rewrite(a: &Anonymizer, s: &str) -> String {
    let mut out = Vec::new();
    a.rewrite_line(s.as_bytes(), b'\n', &mut out, &mut Cache::default());
    String::from_utf8(out).unwrap()
}

/// Inputs on which the `scan` fuzz target found a second pass rewriting what the first
/// wrote (issue 14): where one literal ends and the next begins is decided once.
#[test]
fn a_second_pass_rewrites_nothing() {
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
    for (line, once) in [
        (
            "Packet from2001:db8:12::198.51.100.45exam",
            "Packet from2001:db8:12::0.0.0.0exam",
        ),
        // Touching literals keep their shape, so a second pass splits them the same way.
        (
            "2001:db8:0:1::2001:db8:0:1::A2A2",
            "2001:db8:0:0::0:0:0:1::0",
        ),
        (
            "20:DB801:db::12::198n51.100.45",
            "20:DB801:db::0::0n51.100.45",
        ),
        (
            "20:12::01:db8:0:1::2001:db8:0:9abc:def0:1234:5678%5D",
            "20:12::0:0:0:0::2001:db8:0:0:0:0:0%5D",
        ),
        ("64:ff9b::198.51.100.45 x", "64:ff9b:: x"),
        // A dashed quad glued to hex letters, none after another group of digits (a date, a
        // file name), one next to a dotted quad.
        (
            "ab192-0-2-11.ec2 1-2-3-4-5.x 9.8.7-6-5-4.ab",
            "ab0-0-2-0.ec2 1-2-3-4-5.x 9.8.0-6-5-0.ab",
        ),
        // Where a literal took its first group, no dashed quad starts.
        (
            "::ab1-2-3-4.x 1.2.3.4-5-6-7.y",
            "::-2-3-4.x 1.2.3.0-5-6-7.y",
        ),
        // A last group before `.digits` gets four digits, which start no dotted tail.
        ("x2001:8:12::396.51.100.45e", "x2001:8:12::0000.51.100.45e"),
        // A quad glued to hex digits keeps its octets' bytes (`092` written `92` would make
        // `2E92` an IPv6 group in a second pass); a lone `ip:port` is written canonically.
        (
            "2E092.0.2.3:1::2E092.0.2.3:1::20 010.0.2.77:80",
            "2E092.0.2.0:1::2E092.0.2.0:1::0 10.0.2.0:80",
        ),
        // A chain of more dotted numbers than a quad's before a name's label is read in quads
        // from its end (a review: `1.77.2.0` was taken and the host `77` kept); one followed
        // by no label from its start (tcpdump's address and port).
        (
            "www.1.77.2.0.192.example.com q 9.8.7.6.5.4.3.2.1.zen.example",
            "www.1.0.2.0.0.example.com q 9.8.7.6.0.0.3.2.0.zen.example",
        ),
        ("IP 192.0.2.77.53 > x", "IP 192.0.2.0.53 > x"),
        // A decoded run's context is decoded only where that completes no escape (`%3` then
        // `%31` read `%31`; a fuzz run).
        ("4:678:c:f:%31%3%31", "4:678:c:f:0%3%31"),
        // A classless reverse name with an escaped dot: its host label, once.
        (
            "8.8-7.2%2E1.2.in-addr.arpa q=%2077.0/25.2%2E0.192.in-addr.arpa",
            "0.8-7.2.1.2.in-addr.arpa q=%200.0/25.2.0.192.in-addr.arpa",
        ),
        // After an escape, a literal is written in canonical form (the escape is a boundary).
        ("%5B2001:db8:aa:bb::17%5D", "%5B2001:db8:aa::%5D"),
        (
            "%20192.0.2.1 2019.0.2.1 256.1.2.3",
            "%20192.0.2.0 2019.0.2.0 256.1.2.0",
        ),
        // `::` stands for at least one zero group: `::` and eight groups is no address, its
        // first seven groups are one that touches the eighth (written `3a:0:2::` after `%`,
        // it made the escape `%3a` in a second pass).
        ("%::3A:0:2:8:1:4:2:1", "%::3A:0:0:0:0:0:0:1"),
        ("y::1:2:3:4:5:6:7:8", "y::1:2:0:0:0:0:0:8"),
        // A cut IPv6 literal is a prefix, written in its own groups.
        ("a 2001:db8:1234:5678:9abc", "a 2001:db8:1234:0:0"),
        (
            "d 2001:db8:1234:5678:9abc:def0:1:",
            "d 2001:db8:1234:0:0:0:0:",
        ),
        (
            "198.51.100.1, 2001:DB8:1234:5678:9abc:de",
            "198.51.100.0, 2001:DB8:1234:0:0:0",
        ),
        (
            "x=2001%3Adb8%3A1234%3A5678%3A9abc&",
            "x=2001%3Adb8%3A1234%3A0%3A0&",
        ),
        ("f2001:db8:1234:5678:9abc.5", "f2001:db8:1234:0:0000.5"),
        // Cut after four groups, and four groups before a quad; a clock stays.
        (
            "?ip=2001:db8:abcd:1234 [2001:db8:1:2]:80 [10/Oct/2026:13:55:36",
            "?ip=2001:db8:abcd:0 [2001:db8:1:0]:80 [10/Oct/2026:13:55:36",
        ),
        (
            "2001:db8:1234:5678:192.0.2.1 x",
            "2001:db8:1234:0:192.0.2.0 x",
        ),
        // Its host groups come out decimal: still read as a cut literal (not as a clock, nor
        // its last group as a glued octet).
        (
            "tfom2001:8:01:db0b:2586.0.2.1 x",
            "tfom2001:8:01:0:0000.0.2.1 x",
        ),
        // A quad that begins a DNS name is cut read both ways: blocklists write it reversed.
        (
            "q 12.2.0.192.zen.spamhaus.org IN A",
            "q 0.2.0.0.zen.spamhaus.org IN A",
        ),
        (
            "http://192.0.2.1.nip.io/ 192.0.2.1.5",
            "http://0.0.2.0.nip.io/ 192.0.2.0.5",
        ),
        // A quad written with dashes in a host name's label: cut read both ways, too.
        (
            "q ip-192-0-2-11.ec2.internal IN A",
            "q ip-0-0-2-0.ec2.internal IN A",
        ),
        (
            "http://ec2-203-0-113-5.compute-1.example.com/ 1-2-3-4-5.x",
            "http://ec2-0-0-113-0.compute-1.example.com/ 1-2-3-4-5.x",
        ),
        // A reverse name after a path's `/`, a `-`, `_`, or an escape whose digits glue to its
        // host label (an adversarial review: all passed unchanged); a delegation's label stays.
        (
            "GET /ptr/77.2.0.192.in-addr.arpa -77.2.0.192.in-addr.arpa _77.2.0.192.in-addr.arpa",
            "GET /ptr/0.2.0.192.in-addr.arpa -0.2.0.192.in-addr.arpa _0.2.0.192.in-addr.arpa",
        ),
        (
            r"?n=%2277.2.0.192.in-addr.arpa%22 \x2277.2.0.192.in-addr.arpa n%3D77.2.0.192.in-addr.arpa",
            r"?n=%220.2.0.192.in-addr.arpa%22 \x220.2.0.192.in-addr.arpa n%3D0.2.0.192.in-addr.arpa",
        ),
        (
            "q 64/26.2.0.192.in-addr.arpa 77.64%2F26.2.0.192.in-addr.arpa",
            "q 64/26.2.0.192.in-addr.arpa 0.64%2F26.2.0.192.in-addr.arpa",
        ),
        (
            "%201.2.3.4.7.7.0.0.8.b.d.0.1.0.0.2.ip6.arpa %2077.2.0.192.zen.example",
            "%200.0.0.0.7.7.0.0.8.b.d.0.1.0.0.2.ip6.arpa %200.2.0.0.zen.example",
        ),
        // No dashed quad after hex letters that end an IPv6 run: its rewrite would make them a
        // group (a fuzz run).
        ("::2Eb02-2-2-1 x", "::2Eb02-2-2-1 x"),
        // A dashed quad read on past a decoded run is judged on the line: here IPv6 follows
        // it, not a port (a fuzz run: its `2` was kept, and a second pass cut it).
        (":%2E1-1-02-104:20:4:2%3A%3A", ":%2E1-1-02-104:20:4:0%3A%3A"),
        // A quad in one label with its dots escaped (BIND's query names): the label stays one.
        (
            r"(192\.0\.2\.77.example.com): query: x\.y 1\.2 ",
            r"(0\.0\.2\.0.example.com): query: x\.y 1\.2 ",
        ),
        (r"q=^203\.0\.113\.9$", r"q=^203\.0\.113\.0$"),
        // Glued to a digit, it is read forward only (its changed first octet would glue).
        ("998.1.8.1.k", "998.1.8.0.k"),
        // Address bytes written as escapes are decoded; what changes is written plain, the
        // rest stays as written (a new user's review: they passed unchanged).
        ("?a=%31%39%32.0.2.20&b=1", "?a=%31%39%32.0.2.0&b=1"),
        ("%31%39%32.0.2.20%3A%38%30 x", "%31%39%32.0.2.0%3A%38%30 x"),
        (
            r#""j":"192\u002e0\u002e2\u002e6""#,
            r#""j":"192\u002e0\u002e2\u002e0""#,
        ),
        (
            r"ua\x31\x39\x32.0.2.22 192.0.2.2\x33",
            r"ua\x31\x39\x32.0.2.0 192.0.2.0",
        ),
        ("%2531%2539%2532.0.2.21", "%2531%2539%2532.0.2.0"),
        ("%32001:db8:1:2::%31", "%32001:db8:1:0::0"),
        ("q=%3A%3Affff%3A203.0.113.9", "q=%3A%3Affff%3A203.0.113.0"),
        // Colons and the dotted tail's dots all encoded (a new user's review: `192` was read
        // as a group, and the tail kept its host octet).
        (
            "ip=%3A%3Affff%3A192%2E0%2E2%2E17&x=%3a%3a192%2e0%2e2%2e7",
            "ip=%3A%3Affff%3A192%2E0%2E2%2E0&x=%3a%3a0%2e0%2e0%2e0",
        ),
        ("17.2%2E0.192.in-addr.arpa", "0.2.0.192.in-addr.arpa"),
        // Touching other address bytes, it keeps its decoded shape; a dot after it written
        // `%2E` is a dot (its last group gets four digits, which start no dotted tail).
        ("ab%32001:db8:1:2::%31:", "ab%32001:db8:1:0::0:"),
        ("::292%2E0%2E2.0", "::0000%2E0%2E2.0"),
        // Decoded bytes complete no escape the line does not hold (`%` then `%33A`), and a
        // rewrite makes none with a lead before it (`%` then `3%32.0.2.2`).
        ("3.%3%32.0.2.2", "3.%3%32.0.2.0"),
        ("::8:2%%33A::3", "::%%33A::0"),
        (
            "%25%32%30db8::1 \\u00%33%31.0.2.1",
            "%25%32%30db8::0 \\u00%33%31.0.2.0",
        ),
    ] {
        let first = rewrite(&a, line);
        assert_eq!(first, once, "{line}");
        let mut out = Vec::new();
        let c = a.rewrite_line(first.as_bytes(), b'\n', &mut out, &mut Cache::default());
        assert_eq!(
            c.rewritten,
            0,
            "second pass over {first:?} gave {:?}",
            String::from_utf8_lossy(&out)
        );
    }
}

#[test]
fn truncate_rewrites_in_place_keeping_ports_and_style() {
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
    let table = [
        ("192.0.2.55 - - x", "192.0.2.0 - - x"),
        ("[2001:db8:1:2::44]:443", "[2001:db8:1::]:443"),
        ("198.51.100.3#53", "198.51.100.0#53"),
        ("::ffff:192.0.2.99:80", "::ffff:192.0.2.0:80"),
        ("?a=2001%3Adb8%3A1%3A2%3A%3A7&", "?a=2001%3Adb8%3A1%3A%3A&"),
        ("fe80::1%eth0", "fe80::%eth0"),
        (
            "already 192.0.2.0 and 2001:DB8::",
            "already 192.0.2.0 and 2001:DB8::",
        ),
        ("203.0.113.9, 198.51.100.23", "203.0.113.0, 198.51.100.0"),
        // 6to4: the 32 bits after 2002: are the client's IPv4 address, cut at its prefix.
        ("h=2002:c000:0244::1", "h=2002:c000:200::"),
        ("2002:c000:200::", "2002:c000:200::"),
    ];
    for (i, o) in table {
        assert_eq!(rewrite(&a, i), o);
    }
}

#[test]
fn keep_net_exempts_networks_including_mapped() {
    let keep = vec![
        "192.0.2.0/24".parse().unwrap(),
        "2001:db8:ffff::/48".parse().unwrap(),
    ];
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, keep);
    assert_eq!(
        rewrite(
            &a,
            "192.0.2.7 ::ffff:192.0.2.8 2001:db8:ffff::9 198.51.100.7"
        ),
        "192.0.2.7 ::ffff:192.0.2.8 2001:db8:ffff::9 198.51.100.0"
    );
}

#[test]
fn hash_keeps_prefix_family_and_is_deterministic() {
    let a = Anonymizer::new(Scheme::Hash(Key::from_bytes([7; 32])), 24, 48, vec![]);
    let b = Anonymizer::new(Scheme::Hash(Key::from_bytes([8; 32])), 24, 48, vec![]);
    let mut c = Cache::default();
    for s in ["192.0.2.55", "2001:db8:1:2::44", "::ffff:198.51.100.4"] {
        let ip: IpAddr = s.parse().unwrap();
        let Mapped::To(x) = a.map(ip, &mut c) else {
            panic!("{s} must change")
        };
        let Mapped::To(y) = a.map(ip, &mut Cache::default()) else {
            panic!()
        };
        assert_eq!(x, y, "deterministic, cached or not");
        assert_ne!(x, ip);
        assert_eq!(x.is_ipv4(), ip.is_ipv4());
        let p = if ip.is_ipv4() { 24 } else { 48 };
        if let (IpAddr::V6(m), IpAddr::V6(o)) = (x, ip)
            && let Some(o4) = o.to_ipv4_mapped()
        {
            let m4 = m.to_ipv4_mapped().expect("mapped stays mapped");
            assert_eq!(truncate(m4.into(), 24), truncate(o4.into(), 24));
            continue;
        }
        assert_eq!(truncate(x, p), truncate(ip, p), "prefix kept for {s}");
        let Mapped::To(z) = b.map(ip, &mut Cache::default()) else {
            panic!()
        };
        assert_ne!(x, z, "another key gives another result");
    }
}

#[test]
fn edits_apply_in_the_same_pass() {
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
    let line = b"q from 192.0.2.7 ECS 198.51.100.9/32/0 end";
    let mut out = Vec::new();
    // Reduce `32` to `24`, and replace a span holding an address wholesale.
    let mut edits = Edits::default();
    edits.push(34, 36, b"24");
    edits.push(39, 42, b"-");
    let (c, _) = a.rewrite_line_edits(line, b'\n', &mut out, &mut Cache::default(), 0, &edits);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "q from 192.0.2.0 ECS 198.51.100.0/24/0 -"
    );
    assert_eq!(c.rewritten, 2);
    let mut out = Vec::new();
    let mut edits = Edits::default();
    edits.push(2, 11, b"-");
    a.rewrite_line_edits(
        b"x 192.0.2.7 y",
        b'\n',
        &mut out,
        &mut Cache::default(),
        0,
        &edits,
    );
    assert_eq!(
        out, b"x - y",
        "a literal inside an edit is replaced by the edit"
    );
}

#[test]
fn standard_schemes_rewrite_whole_addresses_in_lines() {
    let k32: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
    let k16: [u8; 16] = std::array::from_fn(|i| i as u8 + 1);
    let line = "a 192.0.2.55 b [2001:db8::44]:443 c ::ffff:192.0.2.55";
    for (name, scheme) in [
        (
            "cryptopan",
            Scheme::CryptoPan(Box::new(crypto::CryptoPan::new(&k32))),
        ),
        ("pfx", Scheme::IpcryptPfx(Box::new(crypto::Pfx::new(&k32)))),
        ("det", Scheme::IpcryptDet(Box::new(crypto::Det::new(&k16)))),
        (
            "ipcipher",
            Scheme::Ipcipher(Box::new(crypto::Ipcipher::new(&k16))),
        ),
    ] {
        let a = Anonymizer::new(scheme, 24, 48, vec![]);
        let out = rewrite(&a, line);
        assert!(
            !out.contains("192.0.2.55") && !out.contains("2001:db8::44"),
            "{name}: {out}"
        );
        assert_eq!(out, rewrite(&a, line), "{name} is deterministic");
        assert!(out.contains("]:443"), "{name}: port kept: {out}");
    }
    let nd = Anonymizer::new(
        Scheme::IpcryptNd(Box::new(crypto::Kiasu::new(&k16))),
        24,
        48,
        vec![],
    );
    let a = rewrite(&nd, "x 192.0.2.55 y 192.0.2.55");
    let toks: Vec<&str> = a.split(' ').collect();
    assert_eq!((toks[1].len(), toks[3].len()), (48, 48));
    assert_ne!(
        toks[1], toks[3],
        "non-deterministic: the same address gives different tokens"
    );
    let ndx = Anonymizer::new(
        Scheme::IpcryptNdx(Box::new(crypto::Ndx::new(&k32))),
        24,
        48,
        vec![],
    );
    assert_eq!(rewrite(&ndx, "192.0.2.55").len(), 64);
}

#[test]
fn mask_edges() {
    assert_eq!(mask32(0), 0);
    assert_eq!(mask32(32), u32::MAX);
    assert_eq!(mask128(0), 0);
    assert_eq!(mask128(128), u128::MAX);
}

/// What `Edits::take_overlapping` must do, written plainly: `None` when an edit covers the span,
/// else the span joined with every edit it touches (taken out).
fn take_overlapping_reference(
    list: &mut Vec<(usize, usize)>,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    if list.iter().any(|e| e.0 <= start && end <= e.1 && e.0 < e.1) {
        return None;
    }
    let (mut s, mut e) = (start, end);
    list.retain(|x| {
        let touches = x.0 < end && start < x.1;
        if touches {
            (s, e) = (s.min(x.0), e.max(x.1));
        }
        !touches
    });
    Some((s, e))
}

proptest::proptest! {
    /// Fields taken in any order against edits made as the rules make them (a field's span, or
    /// the union returned) give what the plain reference gives: the shortcuts (past every edit,
    /// touching none) change nothing, empty fields at an edit's end included.
    #[test]
    fn take_overlapping_is_the_reference(
        fields in proptest::collection::vec((0usize..30, 0usize..6), 1..12),
    ) {
        let mut edits = Edits::default();
        let mut reference: Vec<(usize, usize)> = Vec::new();
        for (start, len) in fields {
            let end = start + len;
            let got = edits.take_overlapping(start, end);
            let want = take_overlapping_reference(&mut reference, start, end);
            proptest::prop_assert_eq!(got, want);
            if let Some((s, e)) = got {
                edits.push(s, e, b"-");
                reference.push((s, e));
            }
            let spans: Vec<(usize, usize)> = edits.list.iter().map(|x| (x.0, x.1)).collect();
            proptest::prop_assert_eq!(&spans, &reference);
        }
    }
}

#[test]
fn edits_keep_a_json_line_json() {
    let line = br#"{"a":"x\"1","n":12.5,"b":true,"s":"v"}"#;
    let at = |t: &[u8]| {
        let k = line.windows(t.len()).position(|w| w == t).unwrap();
        (k, k + t.len())
    };
    for (span, text, want) in [
        (at(b"12.5"), &b"-"[..], &br#""n":null,"#[..]),
        (at(b"12.5"), b"", br#""n":null,"#),
        (at(b"12.5"), b"0", br#""n":0,"#),
        (at(b"12.5"), b"a1b2", br#""n":"a1b2","#),
        (at(b"true"), b"x\"y", br#""b":"x\"y","#),
        (at(br#"x\"1"#), b"-", br#""a":"-","#),
    ] {
        check_json_edit(line, span, text, want);
    }
    let v = at(b"\"v\"");
    let v = (v.0 + 1, v.1 - 1);
    check_json_edit(line, v, b"a\"b\\", br#""s":"a\"b\\"}"#);
    check_json_edit(line, v, b"ok\\/\x01", br#""s":"ok\/\u0001"}"#);
    for (t, want) in [
        (&b"0"[..], true),
        (b"-1.5e+3", true),
        (b"null", true),
        (b"01", false),
        (b"1.", false),
        (b"-", false),
        (b"1e", false),
        (b"abc", false),
    ] {
        assert_eq!(is_json_scalar(t), want, "{t:?}");
    }
}

fn check_json_edit(line: &[u8], span: (usize, usize), text: &[u8], want: &[u8]) {
    let mut e = Edits::default();
    e.push(span.0, span.1, text);
    e.keep_json(line, 0);
    let (s, end, t) = e.get(0).unwrap();
    let mut out = line[..s].to_vec();
    out.extend_from_slice(t);
    out.extend_from_slice(&line[end..]);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains(std::str::from_utf8(want).unwrap()), "{out}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
}

/// A classless reverse name keeps its delegation's label as written and gets the network labels
/// of the prefix too (a second review: at /16 its third label stayed).
#[test]
fn classless_reverse_names_at_any_prefix() {
    for (v4, want) in [
        (
            24,
            "q 0.64/26.2.0.192.in-addr.arpa 0.subnet64.2.0.192.in-addr.arpa",
        ),
        (
            16,
            "q 0.64/26.0.0.192.in-addr.arpa 0.subnet64.0.0.192.in-addr.arpa",
        ),
    ] {
        let a = Anonymizer::new(Scheme::Truncate, v4, 48, Vec::new());
        let line = "q 77.64/26.2.0.192.in-addr.arpa 77.subnet64.2.0.192.in-addr.arpa";
        let once = rewrite(&a, line);
        assert_eq!(once, want, "/{v4}");
        assert_eq!(
            rewrite(&a, &once),
            once,
            "/{v4}: a second pass changes nothing"
        );
    }
}

/// A fuzz run's input: a cut IPv6 group before a dot is written with four digits, which the
/// clock rule then took for a clock's on a second pass, reading a quad glued to it instead.
#[test]
fn a_cut_group_written_before_a_dot_reads_the_same_twice() {
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, Vec::new());
    let once = rewrite(&a, "1:14:801:1:4:6A2.0.2.13\"");
    assert_eq!(once, "1:14:801:1:4:0000.0.2.13\"");
    assert_eq!(rewrite(&a, &once), once);
    // And a dashed quad after a literal a rewrite shortens (`::71-` becomes `::-`).
    let once = rewrite(&a, "%::71-1-202-102-10 x");
    assert_eq!(rewrite(&a, &once), once);
    // Nor after a colon (`0171` cut to `0`).
    let once = rewrite(&a, "150:2:8:0171-1-202-10 x");
    assert_eq!(rewrite(&a, &once), once);
}
