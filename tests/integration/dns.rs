//! DNS formats on their fixtures (`testdata/dns/`, see its README for sources): for every line,
//! the parsed fields equal the expected ones (`NAME.expected.jsonl`, `null` for lines that must
//! not parse), and the anonymized file keeps every line and holds no untruncated address.

use std::collections::BTreeMap;
use std::fs;

use crate::common::{fixture, logscrub, untruncated};
use logscrub::format::{Fields, Format, FormatChoice};

const SERVERS: &[&str] = &[
    "bind", "unbound", "dnsmasq", "coredns", "powerdns", "dnsdist", "doh",
];

fn format(name: &str) -> Format {
    match Format::from_spec(name) {
        Ok(FormatChoice::Fixed(f)) => f,
        _ => panic!("{name} is a format"),
    }
}

/// Parses `line` with `fmt`: the fields by name (first occurrence), or None when it does not match.
fn fields(fmt: &Format, line: &str) -> Option<BTreeMap<String, String>> {
    let mut f = Fields::default();
    fmt.parse(line.as_bytes(), &mut f).ok()?;
    let mut m = BTreeMap::new();
    for (n, a, b) in f.iter() {
        m.entry(fmt.field_name(n))
            .or_insert_with(|| line[a..b].to_string());
    }
    Some(m)
}

fn check_table(log: &str, expected: &str, fmt_of: impl Fn(&serde_json::Value) -> Option<String>) {
    let text = fs::read_to_string(fixture(log)).unwrap();
    let want = fs::read_to_string(fixture(expected)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let wants: Vec<serde_json::Value> = want
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), wants.len(), "{log}: one expectation per line");
    let mut failures = Vec::new();
    for (k, (line, w)) in lines.iter().zip(&wants).enumerate() {
        let Some(name) = fmt_of(w) else { continue };
        let got = fields(&format(&name), line);
        let ok = match (w, &got) {
            (serde_json::Value::Null, None) => true,
            (serde_json::Value::Object(o), Some(g)) => o
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "wrapper" | "format"))
                .all(|(k, v)| g.get(k).map(String::as_str) == v.as_str()),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{log}:{}: {line}\n    want {w}\n    got  {got:?}",
                k + 1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_server_fixture_parses_to_its_expected_fields() {
    for s in SERVERS {
        check_table(
            &format!("dns/{s}.log"),
            &format!("dns/{s}.expected.jsonl"),
            |_| Some(s.to_string()),
        );
    }
}

#[test]
fn wrapped_lines_parse_to_their_expected_fields() {
    check_table("dns/wrapped.log", "dns/wrapped.expected.jsonl", |w| {
        w.get("format").and_then(|f| f.as_str()).map(str::to_string)
    });
}

#[test]
fn every_server_fixture_is_detected_and_scrubbed() {
    for s in SERVERS {
        let path = fixture(&format!("dns/{s}.log"));
        let input = fs::read(&path).unwrap();
        let out = logscrub()
            .args(["anonymize", "-v"])
            .arg(&path)
            .assert()
            .success()
            .stderr(predicates::str::contains(format!("format {s} (")))
            .get_output()
            .stdout
            .clone();
        assert_eq!(
            out.iter().filter(|&&b| b == b'\n').count(),
            input.iter().filter(|&&b| b == b'\n').count(),
            "{s}"
        );
        assert_eq!(untruncated(&out), Vec::<String>::new(), "{s}");
    }
}

#[test]
fn anonymized_lines_equal_expected_lines() {
    let table = [
        (
            "bind",
            "client @0x7f3a2c001234 192.0.2.17#53142 (www.example.com): query: www.example.com IN A +E(0)K (198.51.100.1) [ECS 203.0.113.77/32/0]",
            "client @0x7f3a2c001234 192.0.2.0#53142 (www.example.com): query: www.example.com IN A +E(0)K (198.51.100.0) [ECS 203.0.113.0/24/0]",
        ),
        (
            "bind",
            "client 2001:db8:1:2::17#5353: query: 17.2.0.192.in-addr.arpa IN PTR + (2001:db8::53)",
            "client 2001:db8:1::#5353: query: 0.2.0.192.in-addr.arpa IN PTR + (2001:db8::)",
        ),
        (
            "unbound",
            "[1791640536] unbound[1234:0] reply: 2001:db8:aa:bb::17 www.example.com. AAAA IN NOERROR 0.000000 1 87",
            "[1791640536] unbound[1234:0] reply: 2001:db8:aa:: www.example.com. AAAA IN NOERROR 0.000000 1 87",
        ),
        (
            "dnsmasq",
            "Oct 10 13:55:36 dnsmasq[77]: 12 192.0.2.17/53142 forwarded www.example.com to 198.51.100.53#53",
            "Oct 10 13:55:36 dnsmasq[77]: 12 192.0.2.0/53142 forwarded www.example.com to 198.51.100.0#53",
        ),
        (
            "coredns",
            r#"[INFO] [2001:db8::17]:53142 - 4242 "A IN www.example.com. udp 41 false 512" NOERROR qr,rd,ra 94 0.000123s"#,
            r#"[INFO] [2001:db8::]:53142 - 4242 "A IN www.example.com. udp 41 false 512" NOERROR qr,rd,ra 94 0.000123s"#,
        ),
        (
            "powerdns",
            r#"msg="Question" ts="1791640536.123" ecs="2001:db8:5:6::/64" proto="udp" qname="www.example.com" qtype="A" remote="[2001:db8:5:6::1]:53142""#,
            r#"msg="Question" ts="1791640536.123" ecs="2001:db8:5::/48" proto="udp" qname="www.example.com" qtype="A" remote="[2001:db8:5::]:53142""#,
        ),
        (
            "dnsdist",
            "[1791640536.5] Packet from 192.0.2.17:53142 for www.example.com. A with id 4242",
            "[1791640536.5] Packet from 192.0.2.0:53142 for www.example.com. A with id 4242",
        ),
        (
            "doh",
            r#"2026/10/10 13:55:36 [2001:db8::17]:53142 - - [10/Oct/2026:13:55:36 +0000] "www.example.com. IN A""#,
            r#"2026/10/10 13:55:36 [2001:db8::]:53142 - - [10/Oct/2026:13:55:36 +0000] "www.example.com. IN A""#,
        ),
        (
            "bind",
            "Oct 10 13:55:36 ns1 named[1234]: client @0x1 192.0.2.17#53142 (a.example): query: a.example IN A + (198.51.100.1)",
            "Oct 10 13:55:36 ns1 named[1234]: client @0x1 192.0.2.0#53142 (a.example): query: a.example IN A + (198.51.100.0)",
        ),
    ];
    for (fmt, input, want) in table {
        let out = logscrub()
            .args(["anonymize", "-q", "--strict", "-f", fmt])
            .write_stdin(format!("{input}\n"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{want}\n"),
            "{fmt}"
        );
    }
}

#[test]
fn keep_net_spares_the_servers_own_address() {
    let line = "client @0x1 192.0.2.17#53142 (a.example): query: a.example IN A + (198.51.100.1)\n";
    logscrub()
        .args([
            "anonymize",
            "-q",
            "-f",
            "bind",
            "--keep-net",
            "198.51.100.1/32",
        ])
        .write_stdin(line)
        .assert()
        .success()
        .stdout(
            "client @0x1 192.0.2.0#53142 (a.example): query: a.example IN A + (198.51.100.1)\n",
        );
}
