//! The example policies in `rules/policies/` work end to end: each runs (`logscrub run`) on a
//! temporary copy of its log directories filled from `testdata/`, with its system paths rewritten
//! there, and does exactly what its windows say.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::{content, fixture, gzip, logscrub, untruncated};

const NOW: &str = "2026-11-22T03:00:00Z";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_316_400) // NOW
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Rewrites a policy's system paths into `tmp` (and the shipped rule sets to the repository's).
fn localize(text: &str, tmp: &Path) -> String {
    let at = |rel: &str| format!("{}/{rel}", tmp.display());
    text.replace(
        "/usr/share/logscrub/rules/",
        &format!("{}/", repo("rules").display()),
    )
    .replace("/var/lib/prometheus/node-exporter/", &at(""))
    .replace("/var/lib/logscrub", &at("state"))
    .replace("/var/log/", &at("log/"))
    .replace("/etc/logscrub/", &at("etc/"))
    .replace("/var/www/", &at("www/"))
}

/// The test log for a source: by its rule set (the DoH front end) or its format.
fn fixture_for(s: &logscrub::policy::Source) -> PathBuf {
    let rules = s.anonymize.rules.as_ref().map(|r| r.display().to_string());
    if rules.is_some_and(|r| r.ends_with("doh-frontend.toml")) {
        return fixture("web/doh-frontend.log");
    }
    match s.anonymize.format.as_deref() {
        Some("combined") => fixture("web/combined.log"),
        // A device service's own format (ZeroTier's example).
        Some(f) if f.starts_with("nginx:") => fixture("web/devices.log"),
        Some(dns) => fixture(&format!("dns/{dns}.log")),
        None => panic!("example sources name their format"),
    }
}

fn put(p: &Path, data: &[u8], days_old: f64) {
    fs::write(p, data).unwrap();
    fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(now() - Duration::from_secs_f64(days_old * 86_400.0))
        .unwrap();
}

#[test]
fn every_example_policy_does_what_its_windows_say() {
    let (mut n, mut anonymized_seen, mut deleted_seen, mut forever_seen) = (0, 0, 0, 0);
    let mut reports_seen = 0;
    for e in fs::read_dir(repo("rules/policies")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        n += 1;
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# ") && names_a_policy(&text),
            "{}: starts with its documentation, naming the policy it keeps",
            path.display()
        );
        let tmp = tempfile::tempdir().unwrap();
        let policy_path = tmp.path().join("policy.toml");
        fs::write(&policy_path, localize(&text, tmp.path())).unwrap();
        let policy = logscrub::policy::load(&policy_path).unwrap();

        // Fill each source: the live file, a file due for anonymization, a file past every window
        // (by mtime), and a dated first-of-the-month file (by name).
        struct Expect {
            path: PathBuf,
            raw: Vec<u8>,
            anonymized: Option<Vec<u8>>,
            deleted: bool,
            truncating: bool,
        }
        let mut expect = Vec::new();
        if let Some(st) = &policy.statistics {
            fs::create_dir_all(st.key_file.parent().unwrap()).unwrap();
            logscrub()
                .args(["keygen", "-o"])
                .arg(&st.key_file)
                .assert()
                .success();
        }
        for s in &policy.sources {
            if let Some(k) = s.anonymize.key_file.as_ref().filter(|k| !k.exists()) {
                // (Sources may share one key.)
                fs::create_dir_all(k.parent().unwrap()).unwrap();
                logscrub()
                    .args(["keygen", "--scheme", "hash", "-o"])
                    .arg(k)
                    .assert()
                    .success();
            }
            let raw = fs::read(fixture_for(s)).unwrap();
            let out = logscrub()
                .arg("anonymize")
                .arg("-q")
                .args(s.anonymize.args())
                .arg(fixture_for(s))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                s.name,
                String::from_utf8_lossy(&out.stderr)
            );
            let anonymized = out.stdout;
            let truncating = s.anonymize.key_file.is_none();
            for (dir, glob) in &s.files {
                fs::create_dir_all(dir).unwrap();
                let g = String::from_utf8(glob.0.clone()).unwrap();
                let base = g.strip_suffix('*').expect("example globs end in *");
                let live = dir.join(base);
                put(&live, &raw, 0.0);
                expect.push(Expect {
                    path: live,
                    raw: raw.clone(),
                    anonymized: None,
                    deleted: false,
                    truncating,
                });
                for (name, data, days, by_name_days) in [
                    (format!("{base}.1"), raw.clone(), 2.0, None),
                    (format!("{base}.20.gz"), gzip(&raw), 500.0, None),
                    (format!("{base}-20260101.gz"), gzip(&raw), 0.0, Some(324.0)),
                ] {
                    let p = dir.join(&name);
                    put(&p, &data, days);
                    let age = by_name_days.unwrap_or(days);
                    let forever = s.keep_forever.iter().any(|k| k.matches(name.as_bytes()));
                    forever_seen += usize::from(forever);
                    let past = |w: Option<chrono::Duration>| {
                        w.is_some_and(|w| age * 86_400.0 > w.num_seconds() as f64)
                    };
                    let due = s
                        .anonymize_after
                        .is_some_and(|a| age * 86_400.0 >= a.num_seconds() as f64);
                    let deleted = !forever
                        && if due {
                            past(s.retention)
                        } else {
                            past(s.raw_retention)
                        };
                    expect.push(Expect {
                        path: p,
                        raw: raw.clone(),
                        anonymized: due.then(|| anonymized.clone()),
                        deleted,
                        truncating,
                    });
                }
            }
        }
        logscrub()
            .args(["run", "--now", NOW, "--policy"])
            .arg(&policy_path)
            .assert()
            .success();
        let first_night = expect.iter().map(|x| x.path.clone()).collect::<Vec<_>>();
        for x in &expect {
            let shown = format!("{}: {}", path.display(), x.path.display());
            if x.deleted {
                assert!(!x.path.exists(), "{shown}: deleted");
                deleted_seen += 1;
                continue;
            }
            let got = content(&x.path);
            match &x.anonymized {
                Some(a) => {
                    anonymized_seen += 1;
                    assert!(
                        got == *a,
                        "{shown}: anonymized as `logscrub anonymize` does"
                    );
                    if x.truncating {
                        assert_eq!(untruncated(&got), Vec::<String>::new(), "{shown}");
                    }
                }
                None => assert!(got == x.raw, "{shown}: left alone"),
            }
        }
        if let Some(st) = &policy.statistics {
            // A second night: each counted source's file of the day rotated in (other content,
            // so counted apart), the run a day later. Its reports hold both nights.
            let _ = first_night;
            for s in policy.sources.iter().filter(|s| s.statistics) {
                let mut raw = fs::read(fixture_for(s)).unwrap();
                raw.extend_from_slice(b"# the second night\n");
                for (dir, glob) in &s.files {
                    let g = String::from_utf8(glob.0.clone()).unwrap();
                    let base = g.strip_suffix('*').unwrap();
                    put(&dir.join(format!("{base}.1")), &raw, 1.5);
                }
            }
            logscrub()
                .args(["run", "--now", "2026-11-23T03:00:00Z", "--policy"])
                .arg(&policy_path)
                .assert()
                .success();
            let reports: Vec<&(PathBuf, _)> = st
                .reports
                .iter()
                .chain(policy.sources.iter().flat_map(|s| &s.reports))
                .collect();
            reports_seen += reports.len();
            for (r, _) in reports {
                let text = fs::read_to_string(r).unwrap_or_else(|e| panic!("{}: {e}", r.display()));
                assert!(
                    text.contains(&format!("below {}", st.min_count)),
                    "{}: a report that states its K",
                    r.display()
                );
                assert!(untruncated(text.as_bytes()).is_empty(), "{}", r.display());
                let to = match r.extension().and_then(|e| e.to_str()) {
                    Some("html") => "html",
                    Some("json") => "json",
                    Some("csv") => "csv",
                    Some("md") => "md",
                    other => panic!("{other:?}"),
                };
                let counts = crate::stats::published_counts(to, &text);
                assert!(
                    !counts.is_empty(),
                    "{}: something is published",
                    r.display()
                );
                assert!(
                    counts.iter().all(|&n| n >= st.min_count),
                    "{}: a count below K",
                    r.display()
                );
            }
            for s in policy.sources.iter().filter(|s| s.statistics) {
                let nights = fs::read_dir(policy.state_dir.join("stats").join(s.file_name()))
                    .unwrap()
                    .filter(|e| {
                        e.as_ref()
                            .unwrap()
                            .file_name()
                            .to_string_lossy()
                            .starts_with("2026-")
                    })
                    .count();
                assert_eq!(
                    nights,
                    2,
                    "{}: {}: a state per night",
                    path.display(),
                    s.name
                );
            }
        }
        assert!(
            fs::read_to_string(tmp.path().join("logscrub.prom"))
                .unwrap()
                .contains("logscrub_run_success 1\n"),
            "{}: metrics written",
            path.display()
        );
    }
    assert!(n >= 5, "one example per published policy");
    assert!(
        reports_seen >= 10,
        "the DoH, .coop, OpenNIC, IETF and ZeroTier examples publish reports"
    );
    assert!(
        anonymized_seen >= 10 && deleted_seen >= 10 && forever_seen >= 1,
        "{anonymized_seen} anonymized, {deleted_seen} deleted, {forever_seen} kept forever"
    );
}

/// True when a shipped file names the published policy it keeps (by the policy's owner, not by a
/// path that exists in neither the repository nor the package: issue 22).
pub fn names_a_policy(text: &str) -> bool {
    [
        "OpenNIC's privacy policy",
        "the dns-over-https.com privacy policy",
        "DotCoop's (.coop) privacy policy",
        "the IETF's privacy statement",
        "ZeroTier's privacy policy",
    ]
    .iter()
    .any(|p| text.contains(p))
        && !text.contains("shared/policies")
}
