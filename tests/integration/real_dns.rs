//! Query logs written by the real BIND 9.18, Unbound 1.17, dnsmasq 2.90, PowerDNS Recursor 4.8
//! and dnsdist 1.7, to files and through rsyslog (`testdata/real/dns/`, captured by `scripts/capture-real-dns.sh` with
//! `queries.truth`, every query sent and the rcode its client saw) (issue 17): each is
//! recognised by `--format auto`, passes `--strict` (the daemons' own lines are server lines,
//! not unparsed), keeps no client address, and its statistics count exactly the queries the
//! daemon logged.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{fixture, logscrub, untruncated};

/// (file, format `auto` must find, the daemon's name in the truth file).
const LOGS: &[(&str, &str, &str)] = &[
    ("bind-full.log", "bind", "bind"),
    ("bind-plain.log", "bind", "bind"),
    ("unbound.log", "unbound", "unbound"),
    ("unbound-ascii.log", "unbound", "unbound-ascii"),
    ("dnsmasq.log", "dnsmasq", "dnsmasq"),
    ("dnsmasq-extra.log", "dnsmasq", "dnsmasq-extra"),
    ("pdns.log", "powerdns", "pdns"),
    ("pdns-legacy.log", "powerdns", "pdns-legacy"),
    ("dnsdist.log", "dnsdist", "dnsdist"),
    // BIND, Unbound, dnsmasq, PowerDNS and Knot Resolver through one rsyslogd into one file
    // (the daemons `*-syslog` of the truth), in Debian 12's and Debian 13's time stamps.
    ("syslog.log", "syslog", "syslog"),
    ("syslog-rfc3339.log", "syslog", "syslog"),
];

fn path(name: &str) -> PathBuf {
    fixture(&format!("real/dns/{name}"))
}

/// The truth file's rows: daemon, client, transport, name, type, class, rcode.
fn truth() -> Vec<Vec<String>> {
    fs::read_to_string(path("queries.truth"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn every_real_log_is_detected_passes_strict_and_keeps_no_client() {
    let clients: Vec<String> = truth().iter().map(|r| r[1].clone()).collect();
    let reverse = regex::Regex::new(r"[0-9.]+\.in-addr\.arpa").unwrap();
    for (file, format, _) in LOGS.iter().chain(&[
        ("bind-server.log", "bind", ""),
        ("dnsdist-resp.log", "dnsdist", ""),
    ]) {
        let log = path(file);
        let raw = fs::read(&log).unwrap();
        let o = logscrub()
            .args(["anonymize", "--strict", "-v", "--format"])
            .arg(if *file == "bind-server.log" {
                "bind"
            } else {
                "auto"
            })
            .arg(&log)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{file}: {err}");
        if *file != "bind-server.log" {
            assert!(err.contains(&format!("format {format} ")), "{file}: {err}");
        }
        assert_eq!(
            o.stdout.iter().filter(|&&b| b == b'\n').count(),
            raw.iter().filter(|&&b| b == b'\n').count(),
            "{file}: every line comes out"
        );
        let out = String::from_utf8_lossy(&o.stdout);
        // Reverse names (`0.2.0.192.in-addr.arpa`, rewritten from `80.2.0.192…`) read backwards
        // to the oracle; they are checked by the finder's own tests.
        let forward = reverse.replace_all(&out, "");
        assert_eq!(
            untruncated(forward.as_bytes()),
            Vec::<String>::new(),
            "{file}"
        );
        for c in &clients {
            // Host bits gone: no client address of the truth is written whole.
            assert!(
                !out.split(|ch: char| !ch.is_ascii_hexdigit() && ch != '.' && ch != ':')
                    .any(|w| w == c),
                "{file}: {c} survived"
            );
        }
    }
}

/// The state of one file, as `logscrub stats` writes it.
fn state(file: &str) -> Value {
    let o = logscrub()
        .args(["stats", "-q"])
        .arg(path(file))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // As a report reads it: each stream's answers on the question side when it has no questions.
    crate::common::normalized(&serde_json::from_slice(&o.stdout).unwrap())
}

/// A panel's rows, `[label, count]` pairs in a state.
fn counts(s: &Value, panel: &str) -> Vec<(String, u64)> {
    s["panels"][panel]["counts"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_u64().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

fn total(s: &Value, panel: &str) -> u64 {
    s["panels"][panel]["total"].as_u64().unwrap_or(0)
}

/// The queries a daemon logged: every query of the truth, less those it never logs (dnsdist
/// drops a client its ACL refuses before any rule runs), plus those other daemons sent it (BIND
/// also answered dnsdist, at 192.0.2.53: its health checks and the queries it forwarded).
#[test]
fn statistics_count_every_query_the_daemon_logged() {
    let truth = truth();
    for (file, _, daemon) in LOGS {
        let s = state(file);
        let sent = truth
            .iter()
            .filter(|r| r[0] == *daemon || (*daemon == "syslog" && r[0].ends_with("-syslog")))
            // Knot Resolver writes no query log (its queries go to dnstap): only its own lines.
            .filter(|r| r[0] != "kresd-syslog");
        let want = match *daemon {
            "dnsdist" => sent.filter(|r| r[1] != "203.0.113.9").count(),
            "bind" => {
                let log = fs::read_to_string(path(file)).unwrap();
                let from_dnsdist = log
                    .lines()
                    .filter(|l| l.contains(" 192.0.2.53#") && l.contains("): query: "))
                    .count();
                assert!(from_dnsdist > 0, "{file}");
                sent.count() + from_dnsdist
            }
            _ => sent.count(),
        } as u64;
        assert_eq!(total(&s, "q.qtype"), want, "{file}: queries");
        assert_eq!(s["unparsed"], 0, "{file}");
        assert!(
            s["server_lines"].as_u64().unwrap_or(0) > 0 || *daemon == "dnsdist",
            "{file}"
        );
    }
}

/// Unbound answers every query it logs once, refused ones included (they appear only as
/// `reply: <ip> null TYPE0 CLASS0 REFUSED`), so its answers equal its queries, and its response
/// codes are those its clients saw (an AXFR it refuses, dig reports as a failed transfer).
#[test]
fn unbound_answers_and_rcodes_match_what_clients_saw() {
    let truth = truth();
    for (file, daemon) in [
        ("unbound.log", "unbound"),
        ("unbound-ascii.log", "unbound-ascii"),
    ] {
        let s = state(file);
        // Every query has one response code (a refused one's reply line is its question too).
        assert_eq!(total(&s, "rcode"), total(&s, "q.qtype"), "{file}");
        let mut want: BTreeMap<String, u64> = BTreeMap::new();
        for r in truth.iter().filter(|r| r[0] == daemon) {
            let rcode = if r[6] == "transfer" { "REFUSED" } else { &r[6] };
            *want.entry(rcode.to_string()).or_default() += 1;
        }
        let got: BTreeMap<String, u64> = counts(&s, "rcode").into_iter().collect();
        assert_eq!(got, want, "{file}");
    }
}

/// One vocabulary across servers: PowerDNS's numbers and dnsdist's words become the RFC
/// mnemonics the others write, so a mixed fleet merges into one panel.
#[test]
fn response_codes_are_rfc_mnemonics_whatever_the_server_wrote() {
    for file in [
        "pdns.log",
        "pdns-legacy.log",
        "dnsdist-resp.log",
        "unbound.log",
    ] {
        let s = state(file);
        let keys: Vec<String> = counts(&s, "rcode").into_iter().map(|(k, _)| k).collect();
        assert!(!keys.is_empty(), "{file}: no rcode panel");
        for k in &keys {
            assert!(
                ["NOERROR", "NXDOMAIN", "REFUSED", "SERVFAIL", "(none)"].contains(&k.as_str()),
                "{file}: {k}"
            );
        }
    }
}

/// dnsmasq blocks a name with `address=/blocked.example/0.0.0.0`: that answer counts as blocked
/// (the capture asks for blocked.example once per dnsmasq configuration).
#[test]
fn dnsmasq_address_blocking_counts_as_blocked() {
    for file in ["dnsmasq.log", "dnsmasq-extra.log"] {
        let s = state(file);
        let blocked: Vec<(String, u64)> = counts(&s, "blocked");
        assert!(
            blocked.contains(&("blocked".to_string(), 1)),
            "{file}: {blocked:?}"
        );
    }
}

/// dnsmasq writes a CNAME chain as a line per link (`config chain.example.com is <CNAME>`,
/// `config alias.example.com is <CNAME>`, `config www.example.com is 192.0.2.80`): the chain is
/// one answer, so answers equal queries, and the response codes are those its clients saw (an
/// AXFR it answers with an empty NOERROR, `is NODATA`, which dig reports as a failed transfer).
#[test]
fn dnsmasq_counts_a_cname_chain_once() {
    let truth = truth();
    for (file, daemon) in [
        ("dnsmasq.log", "dnsmasq"),
        ("dnsmasq-extra.log", "dnsmasq-extra"),
    ] {
        let log = fs::read_to_string(path(file)).unwrap();
        assert!(log.contains("chain.example.com is <CNAME>"), "{file}");
        let s = state(file);
        assert_eq!(total(&s, "a.qtype"), total(&s, "q.qtype"), "{file}");
        let mut want: BTreeMap<String, u64> = BTreeMap::new();
        for r in truth.iter().filter(|r| r[0] == daemon) {
            let rcode = if r[6] == "transfer" { "NOERROR" } else { &r[6] };
            *want.entry(rcode.to_string()).or_default() += 1;
        }
        let got: BTreeMap<String, u64> = counts(&s, "rcode").into_iter().collect();
        assert_eq!(got, want, "{file}");
    }
}

/// Knot Resolver has no text query log (its queries go to dnstap, a binary format): in a shared
/// syslog file its lines are its own messages, counted as server lines, none unparsed, and the
/// queries sent to it are in no count.
#[test]
fn knot_resolver_lines_are_server_lines() {
    let log = fs::read_to_string(path("syslog.log")).unwrap();
    let kresd: Vec<&str> = log.lines().filter(|l| l.contains(" kresd[")).collect();
    assert!(!kresd.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let only = dir.path().join("kresd.log");
    fs::write(&only, kresd.join("\n") + "\n").unwrap();
    let o = logscrub()
        .args(["stats", "-q", "--format", "syslog"])
        .arg(&only)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["server_lines"], kresd.len() as u64);
    assert_eq!(s["unparsed"], 0);
    assert_eq!(total(&s, "q.qtype"), 0);
    let o = logscrub()
        .args(["anonymize", "--strict", "-v", "--format", "syslog"])
        .arg(&only)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{} server lines", kresd.len())),
        "{err}"
    );
}
