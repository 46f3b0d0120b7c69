//! Logs written by the real nginx 1.22 and Apache 2.4 daemons (`testdata/real/web/`, captured by
//! `scripts/capture-real-logs.sh`), whose requests carry documentation addresses glued to the
//! escapes servers write (issue 14): no raw address may survive `anonymize`, `stats` or a
//! report, `audit` must find every one in the raw files and none in the anonymized ones.

use std::fs;
use std::path::PathBuf;

use crate::common::{decode_escapes, files_with, fixture, logscrub, untruncated};

fn logs() -> Vec<PathBuf> {
    let v = files_with(&fixture("real/web"), "log");
    assert_eq!(v.len(), 7, "{v:?}");
    v
}

/// The raw addresses the captured requests carried.
fn truth() -> Vec<String> {
    fs::read_to_string(fixture("real/web/escapes.truth"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn assert_no_raw(text: &[u8], what: &str) {
    let s = String::from_utf8_lossy(text);
    for a in truth() {
        assert!(!s.contains(&a), "{what}: {a} survived");
    }
    assert_eq!(
        untruncated(&decode_escapes(text)),
        Vec::<String>::new(),
        "{what}"
    );
}

#[test]
fn escaped_addresses_from_real_daemons_are_rewritten() {
    assert!(truth().len() >= 38);
    for log in logs() {
        let raw = fs::read(&log).unwrap();
        // The fixture holds what it should: the oracle sees raw addresses behind escapes.
        assert!(!untruncated(&decode_escapes(&raw)).is_empty());
        let out = logscrub()
            .args(["anonymize", "-q"])
            .arg(&log)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let name = log.display().to_string();
        assert_no_raw(&out, &name);
        let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
        assert_eq!(lines(&out), lines(&raw), "{name}");
        // Only address bytes change: the lengths of the escapes around them are kept.
        for (a, b) in raw.split(|&c| c == b'\n').zip(out.split(|&c| c == b'\n')) {
            let count = |l: &[u8], pat: &[u8]| l.windows(pat.len()).filter(|w| *w == pat).count();
            for pat in [
                &b"%20"[..],
                b"%22",
                b"%5B",
                b"%5D",
                b"\\x22",
                b"\\u0001",
                b"&quot;",
            ] {
                assert_eq!(
                    count(a, pat),
                    count(b, pat),
                    "{name}: {}",
                    String::from_utf8_lossy(a)
                );
            }
        }
    }
}

#[test]
fn audit_finds_them_raw_and_passes_them_anonymized() {
    let d = tempfile::tempdir().unwrap();
    for log in logs() {
        let out = logscrub()
            .args(["audit", "--json"])
            .arg(&log)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        // Every raw address the requests carried, each time it was logged.
        let raw = fs::read_to_string(&log).unwrap();
        let want: usize = truth()
            .iter()
            .map(|a| {
                raw.match_indices(a.as_str())
                    .filter(|(i, _)| {
                        let next = raw.as_bytes().get(i + a.len()).copied().unwrap_or(b' ');
                        !next.is_ascii_alphanumeric() && next != b'.' && next != b':'
                    })
                    .count()
            })
            .sum();
        let want = want as u64;
        assert_eq!(
            v["address"]["count"].as_u64(),
            Some(want),
            "{}: {v}",
            log.display()
        );
        let anon = d.path().join(log.file_name().unwrap());
        logscrub()
            .args(["anonymize", "-q", "-o"])
            .arg(&anon)
            .arg(&log)
            .assert()
            .success();
        logscrub().arg("audit").arg(&anon).assert().success();
    }
}

#[test]
fn statistics_publish_no_escaped_address() {
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("s.json");
    logscrub()
        .args(["stats", "-q", "-o"])
        .arg(&state)
        .args(logs())
        .assert()
        .success();
    assert_no_raw(&fs::read(&state).unwrap(), "state");
    for to in ["json", "md", "csv", "html"] {
        let out = logscrub()
            .args(["report", "--min-count", "1", "--top", "1000", "--to", to])
            .arg(&state)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_no_raw(&out.stdout, to);
    }
}
