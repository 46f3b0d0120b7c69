//! The recipes in `contrib/` work: each recipe's own command runs against a copy of `testdata/`
//! in a temporary directory (its paths rewritten to point there, `logscrub` to the built binary).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{fixture, untruncated};

fn contrib(p: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("contrib")
            .join(p),
    )
    .unwrap()
}

/// Rewrites a recipe's system paths to `dir` and the repository.
fn localize(text: &str, dir: &Path) -> String {
    let bin = assert_cmd::cargo::cargo_bin("logscrub");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    text.replace("/usr/share/logscrub/rules", rules.to_str().unwrap())
        .replace("/usr/bin/logscrub", bin.to_str().unwrap())
        .replace(
            "/var/log/logscrub-prune.jsonl",
            dir.join("audit.jsonl").to_str().unwrap(),
        )
        .replace(
            "/etc/logscrub/policy.toml",
            dir.join("policy.toml").to_str().unwrap(),
        )
        .replace("/var/lib/logscrub", dir.join("state").to_str().unwrap())
        .replace("/var/lib/prometheus/node-exporter", dir.to_str().unwrap())
        .replace("/var/log/nginx", dir.to_str().unwrap())
        .replace("/var/log/apache2", dir.to_str().unwrap())
        .replace("/run/logscrub", dir.to_str().unwrap())
        .replace("/run/nginx.pid", dir.join("nginx.pid").to_str().unwrap())
}

/// PATH with the built binary first, for recipes that call plain `logscrub`.
fn path_env() -> String {
    let bin = assert_cmd::cargo::cargo_bin("logscrub");
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn sh(cmd: &str, stdin: Option<&[u8]>) -> std::process::Output {
    let mut c = Command::new("/bin/sh")
        .arg("-c")
        .arg(cmd)
        .env("PATH", path_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.map(<[u8]>::to_vec);
    let mut pipe = c.stdin.take().unwrap();
    let w = std::thread::spawn(move || {
        if let Some(i) = input {
            use std::io::Write;
            let _ = pipe.write_all(&i);
        }
    });
    let o = c.wait_with_output().unwrap();
    w.join().unwrap();
    o
}

fn value_of<'a>(unit: &'a str, key: &str) -> &'a str {
    unit.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key}= in unit"))
}

#[test]
fn logrotate_recipe_anonymizes_the_rotated_log() {
    if !crate::common::have_tool("logrotate", "the logrotate recipe") {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    fs::copy(fixture("web/combined.log"), d.path().join("access.log")).unwrap();
    let conf = d.path().join("nginx.logrotate");
    fs::write(&conf, localize(&contrib("logrotate/nginx"), d.path())).unwrap();
    let o = Command::new("logrotate")
        .arg("--state")
        .arg(d.path().join("state"))
        .arg("--force")
        .arg(&conf)
        .env("PATH", path_env())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rotated: Vec<PathBuf> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().contains("access.log-"))
        .collect();
    assert_eq!(rotated.len(), 1, "{rotated:?}");
    let text = fs::read(&rotated[0]).unwrap();
    assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), 300);
    assert!(untruncated(&text).is_empty());
    assert!(
        !String::from_utf8_lossy(&text).contains("Mozilla/5.0 ("),
        "user agents reduced"
    );
}

#[test]
fn cron_recipe_prunes_with_an_audit_log() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("access.log-20200101"), "old\n").unwrap();
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    fs::write(d.path().join(format!("access.log-{today}")), "new\n").unwrap();
    let line = contrib("cron/logscrub")
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        .to_string();
    let fields: Vec<&str> = line.splitn(7, ' ').collect();
    assert_eq!(
        fields.len(),
        7,
        "minute hour day month weekday user command"
    );
    assert_eq!(fields[5], "root");
    let o = sh(&localize(fields[6], d.path()), None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.path().join("access.log-20200101").exists());
    assert!(d.path().join(format!("access.log-{today}")).exists());
    assert_eq!(
        fs::read_to_string(d.path().join("audit.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn systemd_prune_units() {
    let timer = contrib("systemd/logscrub-prune.timer");
    assert_eq!(value_of(&timer, "OnCalendar"), "*-*-* 04:30:00");
    assert_eq!(value_of(&timer, "WantedBy"), "timers.target");
    let service = contrib("systemd/logscrub-prune.service");
    assert_eq!(value_of(&service, "Type"), "oneshot");
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("access.log-20200101.gz"), "old\n").unwrap();
    let o = sh(&localize(value_of(&service, "ExecStart"), d.path()), None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!d.path().join("access.log-20200101.gz").exists());
}

#[test]
fn nginx_fifo_service_anonymizes_before_the_disk() {
    let d = tempfile::tempdir().unwrap();
    let service = contrib("systemd/logscrub-nginx-fifo.service");
    assert!(
        contrib("nginx/logscrub.conf")
            .contains("access_log /run/logscrub/nginx-access.fifo combined;")
    );
    let fifo = d.path().join("nginx-access.fifo");
    let mk = localize(value_of(&service, "ExecStartPre"), d.path());
    assert!(sh(&mk, None).status.success(), "{mk}");
    let start = localize(value_of(&service, "ExecStart"), d.path());
    let reader = std::thread::spawn(move || sh(&start, None));
    // nginx's side: write lines into the FIFO and close it.
    fs::write(&fifo, fs::read(fixture("web/combined.log")).unwrap()).unwrap();
    let o = reader.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = fs::read(d.path().join("access.log")).unwrap();
    assert_eq!(log.iter().filter(|&&b| b == b'\n').count(), 300);
    assert!(untruncated(&log).is_empty());
}

#[test]
fn apache_piped_log_appends_anonymized_lines() {
    let d = tempfile::tempdir().unwrap();
    let conf = contrib("apache/logscrub.conf");
    let line = conf.lines().find(|l| l.starts_with("CustomLog")).unwrap();
    let cmd = line
        .split('"')
        .nth(1)
        .unwrap()
        .strip_prefix("|$")
        .expect("a shell-piped log");
    let cmd = localize(cmd, d.path());
    for _ in 0..2 {
        let o = sh(&cmd, Some(&fs::read(fixture("web/combined.log")).unwrap()));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let log = fs::read(d.path().join("access.log")).unwrap();
    assert_eq!(
        log.iter().filter(|&&b| b == b'\n').count(),
        600,
        "appended, not replaced"
    );
    assert!(untruncated(&log).is_empty());
}

/// A log directory as logrotate leaves it at night, with the contrib policy pointing there.
fn rotated_site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let log = fs::read(fixture("web/combined.log")).unwrap();
    fs::write(d.path().join("access.log"), &log).unwrap();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y%m%d")
        .to_string();
    fs::write(d.path().join(format!("access.log-{yesterday}")), &log).unwrap();
    // An old rotation (plain text under a .gz name: content decides, never the name).
    fs::write(
        d.path().join("access.log-20200101.gz"),
        &log[..=log.iter().position(|&b| b == b'\n').unwrap()],
    )
    .unwrap();
    fs::write(
        d.path().join("policy.toml"),
        localize(&contrib("policy.toml"), d.path()),
    )
    .unwrap();
    d
}

fn check_night(d: &Path) {
    let log = fs::read(fixture("web/combined.log")).unwrap();
    assert_eq!(
        fs::read(d.join("access.log")).unwrap(),
        log,
        "live log untouched"
    );
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y%m%d")
        .to_string();
    let rotated = fs::read(d.join(format!("access.log-{yesterday}"))).unwrap();
    assert_eq!(rotated.iter().filter(|&&b| b == b'\n').count(), 300);
    assert!(untruncated(&rotated).is_empty());
    assert!(!d.join("access.log-20200101.gz").exists(), "past retention");
    assert!(
        fs::read_to_string(d.join("logscrub.prom"))
            .unwrap()
            .contains("logscrub_run_success 1")
    );
}

#[test]
fn cron_run_recipe_carries_out_the_policy() {
    let d = rotated_site();
    let line = contrib("cron/logscrub-run")
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        .to_string();
    let fields: Vec<&str> = line.splitn(7, ' ').collect();
    assert_eq!(
        fields.len(),
        7,
        "minute hour day month weekday user command"
    );
    assert_eq!(fields[5], "root");
    let o = sh(&localize(fields[6], d.path()), None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_night(d.path());
}

#[test]
fn systemd_run_units() {
    let timer = contrib("systemd/logscrub-run.timer");
    assert_eq!(value_of(&timer, "WantedBy"), "timers.target");
    let service = contrib("systemd/logscrub-run.service");
    assert_eq!(value_of(&service, "Type"), "oneshot");
    assert_eq!(value_of(&service, "SuccessExitStatus"), "5");
    // ProtectSystem=strict: every directory the example policies write reports to is writable
    // (issue 22: /var/www/stats was not).
    let writable = value_of(&service, "ReadWritePaths");
    for p in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/policies")).unwrap() {
        let text = std::fs::read_to_string(p.unwrap().path()).unwrap();
        for report in text.lines().filter(|l| l.starts_with("reports")) {
            for path in report.split('"').skip(1).step_by(2) {
                let dir = std::path::Path::new(path)
                    .parent()
                    .unwrap()
                    .to_str()
                    .unwrap();
                assert!(
                    writable.contains(dir),
                    "{dir} is not in ReadWritePaths: {writable}"
                );
            }
        }
    }
    let d = rotated_site();
    let o = sh(&localize(value_of(&service, "ExecStart"), d.path()), None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("source=nginx anonymized=2 "),
        "summary for the journal"
    );
    check_night(d.path());
}
