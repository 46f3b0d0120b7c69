//! Operator tooling: shell completions for every shell, format detection of every fixture.

mod common;

use common::{fixture, logscrub};
use predicates::str::contains;

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = logscrub()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.len() > 1000, "{shell}");
        for word in ["anonymize", "prune", "keygen", "max-line-length"] {
            assert!(text.contains(word), "{shell} completes {word}");
        }
    }
    logscrub().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn detect_names_every_fixture_format() {
    let table = [
        ("web/combined.log", "combined"),
        ("web/common.log", "common"),
        ("web/vhost_combined.log", "vhost_combined"),
        ("web/caddy.json", "json"),
        ("web/combined-rotated.log.gz", "combined"),
        ("dns/bind.log", "bind"),
        ("dns/unbound.log", "unbound"),
        ("dns/dnsmasq.log", "dnsmasq"),
        ("dns/coredns.log", "coredns"),
        ("dns/powerdns.log", "powerdns"),
        ("dns/dnsdist.log", "dnsdist"),
        ("dns/doh.log", "doh"),
    ];
    for (f, want) in table {
        logscrub()
            .arg("detect")
            .arg(fixture(f))
            .assert()
            .success()
            .stdout(contains(format!(": {want} (")));
    }
    let out = logscrub()
        .args(["detect", "--json"])
        .arg(fixture("web/combined.log"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        (v["format"].as_str(), v["confidence"].as_f64()),
        (Some("combined"), Some(1.0))
    );
    logscrub()
        .arg("detect")
        .arg(fixture("web/no-such.log"))
        .assert()
        .code(4)
        .stderr(contains("cannot open"));
}
