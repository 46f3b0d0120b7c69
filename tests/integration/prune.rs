//! `logscrub prune` on a hostile tree: exactly the expected files go, nothing outside the root
//! is touched, symlinks are never followed, odd names work, and the plan shows it all first.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::logscrub;
use predicates::str::contains;

const NOW: &str = "2026-11-22T12:00:00Z";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_348_800) // 2026-11-22T12:00:00Z, as NOW
}

fn file(dir: &Path, name: &[u8], days_old: u64) -> PathBuf {
    let p = dir.join(OsStr::from_bytes(name));
    fs::write(&p, b"log line 192.0.2.0\n").unwrap();
    fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(now() - Duration::from_secs(days_old * 86_400))
        .unwrap();
    p
}

struct Tree {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn tree() -> Tree {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("logs");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    file(&root, b"old.log-20260101", 0); // old by name
    file(&root, b"new.log-20261120", 300); // new by name (mtime ignored)
    file(&root, b"access.log.5.gz", 60); // no name date: mtime 60d
    file(&root, b"access.log.1", 1); // mtime 1d
    file(&root, b"name with space-20260101.log", 0);
    file(&root, b"new\nline-20260101.log", 0);
    file(&root, b"bad\xff-20260101.log", 0);
    file(&root, b"future-20270101.log", 0);
    file(&root, b"audit-20200101.log", 0); // excluded
    file(&root.join("sub"), b"deep-20260101.log", 0);
    let victim = file(&outside, b"victim-20200101.log", 400);
    std::os::unix::fs::symlink(&victim, root.join("link-20200101.log")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("linkdir")).unwrap();
    Tree {
        _tmp: tmp,
        root,
        outside,
    }
}

fn names(dir: &Path) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().as_bytes().to_vec())
        .collect();
    v.sort();
    v
}

#[test]
fn dry_run_shows_the_plan_and_deletes_nothing() {
    let t = tree();
    let before = names(&t.root);
    let out = logscrub()
        .args([
            "prune",
            "--max-age",
            "30d",
            "--now",
            NOW,
            "--exclude",
            "audit-*",
            "--dry-run",
            "-r",
        ])
        .arg(&t.root)
        .assert()
        .success()
        .stderr(contains("would delete 6 files"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(names(&t.root), before, "a dry run deletes nothing");
    for n in [
        "old.log-20260101",
        "access.log.5.gz",
        "name with space-20260101.log",
        "new\\nline-20260101.log",
        "bad\\xff-20260101.log",
        "sub/deep-20260101.log",
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with("would delete") && l.contains(n)),
            "{n} in plan:\n{out}"
        );
    }
    assert!(
        out.contains("keep ") && out.contains("excluded by --exclude audit-*"),
        "{out}"
    );
    assert!(out.contains("dated in the future"), "{out}");
    assert!(
        !out.contains("victim") && !out.contains("link-2020"),
        "links are not candidates:\n{out}"
    );
}

/// Classes in `--exclude` and in a file pattern work as the shell's (an adversarial review:
/// `[0]` was literal text and protected nothing); a class no `]` closes is refused; a file
/// that is there is that file, brackets in its name and all.
#[test]
fn classes_in_patterns_and_brackets_in_names() {
    let t = tree();
    file(&t.root, b"app[1].log-20200101", 0);
    file(&t.root, b"app1.log-20200101", 0);
    let out = logscrub()
        .args(["prune", "--max-age", "30d", "--now", NOW, "--dry-run"])
        .args([
            "--exclude",
            "audit-2020[0-9]101.log",
            "--exclude",
            "old.log-[!2]*",
        ])
        .arg(t.root.join("a[u]dit-*"))
        .arg(t.root.join("app[1].log-20200101"))
        .arg(t.root.join("ol[a-z].log-*"))
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains("excluded by --exclude audit-2020[0-9]101.log"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("would delete") && l.contains("app[1].log")),
        "{out}"
    );
    assert!(
        !out.contains("app1.log"),
        "the file named, not a class:\n{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("would delete") && l.contains("old.log-20260101")),
        "{out}"
    );
    for (arg, want) in [
        (
            vec!["--exclude", "audit-[0-9"],
            "--exclude audit-[0-9: `[` at byte 7 opens a class",
        ),
        (
            vec!["--exclude", "x.{gz,zst}"],
            "alternatives are not expanded",
        ),
    ] {
        logscrub()
            .args(["prune", "--max-age", "30d", "--now", NOW, "--dry-run"])
            .args(arg)
            .arg(&t.root)
            .assert()
            .code(2)
            .stderr(contains(want));
    }
    logscrub()
        .args(["prune", "--max-age", "30d", "--now", NOW, "--dry-run"])
        .arg(t.root.join("old.log-[0-9"))
        .assert()
        .code(2)
        .stderr(contains("opens a class no `]` closes"));
}

#[test]
fn deletes_exactly_the_expired_files_and_never_follows_links() {
    let t = tree();
    let audit = t.root.parent().unwrap().join("audit.jsonl");
    logscrub()
        .args([
            "prune",
            "--max-age",
            "30d",
            "--now",
            NOW,
            "--exclude",
            "audit-*",
            "-r",
            "--audit-log",
        ])
        .arg(&audit)
        .arg(&t.root)
        .assert()
        .success();
    let left: Vec<String> = names(&t.root)
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert_eq!(
        left,
        [
            "access.log.1",
            "audit-20200101.log",
            "future-20270101.log",
            "link-20200101.log",
            "linkdir",
            "new.log-20261120",
            "sub"
        ]
    );
    assert!(
        names(&t.root.join("sub")).is_empty(),
        "deep file deleted with -r"
    );
    assert_eq!(
        names(&t.outside),
        [b"victim-20200101.log".to_vec()],
        "nothing outside the root is touched"
    );
    assert!(
        fs::symlink_metadata(t.root.join("link-20200101.log"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // One audit record per deletion: path, size, age, rule; no log content.
    let log = fs::read_to_string(&audit).unwrap();
    assert_eq!(log.lines().count(), 6);
    for l in log.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(
            v["path"].is_string()
                && v["size"] == 19
                && v["age_seconds"].as_i64().unwrap() > 30 * 86_400
        );
        assert_eq!(v["rule"], "max-age 30d");
        assert!(!l.contains("192.0.2"), "no log content in the audit log");
    }
}

#[test]
fn without_recursion_subdirectories_stay_and_empty_dirs_go_only_when_asked() {
    let t = tree();
    logscrub()
        .args(["prune", "-q", "--max-age", "30d", "--now", NOW])
        .arg(&t.root)
        .assert()
        .success();
    assert_eq!(names(&t.root.join("sub")), [b"deep-20260101.log".to_vec()]);
    // A directory that was empty before stays: nothing was deleted from it (a new user's
    // review: a spool directory went).
    fs::create_dir_all(t.root.join("spool/incoming")).unwrap();
    logscrub()
        .args([
            "prune",
            "-r",
            "--remove-empty-dirs",
            "--max-age",
            "30d",
            "--now",
            NOW,
        ])
        .arg(&t.root)
        .assert()
        .success()
        // The count is said (it was dropped), and counts are written in the singular for one.
        .stderr(predicates::str::contains("1 empty directory removed"));
    assert!(!t.root.join("sub").exists(), "emptied directory removed");
    assert!(
        t.root.join("spool/incoming").is_dir(),
        "a directory empty before stays"
    );
    assert!(
        t.root.exists() && t.outside.exists(),
        "the root itself and anything outside stay"
    );
}

#[test]
fn globs_keep_and_json() {
    let t = tree();
    let out = logscrub()
        .args([
            "prune",
            "--json",
            "--keep",
            "1",
            "--max-age",
            "30d",
            "--now",
            NOW,
        ])
        .arg(t.root.join("*-20260101.log"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "the three top-level files matching the glob"
    );
    assert_eq!(
        lines.iter().filter(|l| l["action"] == "keep").count(),
        1,
        "--keep 1"
    );
    assert_eq!(lines.iter().filter(|l| l["action"] == "deleted").count(), 2);
    assert!(
        t.root.join("old.log-20260101").exists(),
        "not matched by the glob"
    );
}

#[test]
fn symlinks_are_deleted_only_when_asked_and_then_only_the_link() {
    let t = tree();
    logscrub()
        .args([
            "prune",
            "-q",
            "--include-symlinks",
            "--max-age",
            "30d",
            "--now",
            NOW,
        ])
        .arg(t.root.join("link-*"))
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(t.root.join("link-20200101.log")).is_err(),
        "the link went"
    );
    assert_eq!(
        names(&t.outside),
        [b"victim-20200101.log".to_vec()],
        "its target stayed"
    );
}

#[test]
fn refusals_and_errors() {
    let t = tree();
    logscrub()
        .args(["prune", "--max-age", "0d"])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    logscrub()
        .args(["prune", "--max-age", "30"])
        .arg(&t.root)
        .assert()
        .code(2)
        .stderr(contains("expected a duration"));
    logscrub()
        .args(["prune", "--max-age", "30d", "--now", "yesterday"])
        .arg(&t.root)
        .assert()
        .code(2);
    logscrub()
        .args(["prune", "--max-age", "30d"])
        .arg(t.root.join("no/such/*.log"))
        .assert()
        .code(2)
        .stderr(contains("no such directory"));
    logscrub()
        .args(["prune", "--max-age", "30d"])
        .arg(t.root.join("s*/x.log"))
        .assert()
        .code(2)
        .stderr(contains("wildcards are allowed in the file name only"));
    // --max-age 0 with --force deletes every matching file.
    logscrub()
        .args(["prune", "-q", "--force", "--max-age", "0s", "--now", NOW])
        .arg(t.root.join("future-*"))
        .assert()
        .success();
    assert!(
        t.root.join("future-20270101.log").exists(),
        "even with --force, a future-dated file is not past any window"
    );
}

/// The plan comes in path order, whatever order the directory lists files in (issue 22).
#[test]
fn the_plan_is_in_path_order() {
    let d = tempfile::tempdir().unwrap();
    for k in [7, 3, 19, 1, 12, 5, 16, 9, 2, 14] {
        std::fs::write(d.path().join(format!("access.log-202601{k:02}")), "x").unwrap();
    }
    let out = logscrub()
        .args(["prune", "--dry-run", "--max-age", "1d", "--now", NOW])
        .arg(d.path().join("access.log-*"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let paths: Vec<&str> = text.lines().filter_map(|l| l.split(' ').nth(2)).collect();
    assert_eq!(paths.len(), 10, "{text}");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

/// Regression (a new user's review): logrotate's `dateformat -%s` names a file by seconds since
/// 1970, whose ten digits read as YYYYMMDDHH named the year 1801: a file rotated a day ago was
/// deleted as 82,571 days old. Such a name has no date; its modification time counts.
#[test]
fn seconds_since_1970_in_a_name_are_no_date() {
    let d = tempfile::tempdir().unwrap();
    let young = file(d.path(), b"access.log-1801010100", 1);
    let old = file(d.path(), b"access.log-1790000000.gz", 60);
    logscrub()
        .args(["prune", "--max-age", "30d", "--now", NOW])
        .arg(d.path())
        .assert()
        .success();
    assert!(young.exists(), "a file a day old is kept");
    assert!(
        !old.exists(),
        "one 60 days old by its modification time goes"
    );
}

/// Regression (a new user's review): a mistyped PATH without wildcards (`nonexist`) was read as
/// a pattern in `.` that matched nothing, exit 0; it is an error. A pattern that matches nothing
/// yet is no error (no file rotated so far).
#[test]
fn a_path_that_is_not_there_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    logscrub()
        .current_dir(d.path())
        .args(["prune", "--max-age", "30d", "acces.log.1"])
        .assert()
        .code(2)
        .stderr(contains("acces.log.1: no such file or directory"));
    logscrub()
        .current_dir(d.path())
        .args(["prune", "--max-age", "30d", "access.log-*"])
        .assert()
        .success();
}

/// Regression (a new user's review): a name's date was read in UTC, so west of UTC a day's file
/// was past its day while still written to (`run` rewrote a live file; prune could delete early).
/// The later of UTC and the local time zone counts.
#[test]
fn a_named_day_ends_at_local_midnight_when_that_is_later() {
    let d = tempfile::tempdir().unwrap();
    let f = file(d.path(), b"access-2026-11-21.log", 0);
    // 2026-11-22T02:00Z: two hours past the day in UTC, 18:00 on it at UTC-8.
    let plan = |tz: &str| {
        let out = logscrub()
            .env("TZ", tz)
            .args([
                "prune",
                "-n",
                "--max-age",
                "1h",
                "--now",
                "2026-11-22T02:00:00Z",
            ])
            .arg(d.path())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    assert!(plan("UTC").contains("would delete"), "{}", plan("UTC"));
    // UTC-8, written as POSIX does (no zone database needed).
    let west = plan("<-08>8");
    assert!(
        west.contains("keep") && !west.contains("would delete"),
        "{west}"
    );
    // East of UTC the UTC reading is the later one.
    assert!(plan("<+09>-9").contains("would delete"));
    assert!(f.exists());
}

/// A file a process holds open for writing is kept however old, and the line names the process;
/// the same kind of file closed goes (the thirteenth session's review: prune deleted a daemon's
/// live error.log that had not changed in 60 days).
#[test]
fn a_file_a_process_writes_is_kept_however_old() {
    let tmp = tempfile::tempdir().unwrap();
    let live = file(tmp.path(), b"error.log", 60);
    let closed = file(tmp.path(), b"error.log.1", 60);
    let read = file(tmp.path(), b"error.log.2", 60);
    // A daemon stand-in: error.log open for appending, error.log.2 for reading only.
    let daemon = crate::common::Holder::new(&[&live], &[&read]);
    let prune = |dry: bool| {
        let mut c = logscrub();
        c.args([
            "prune",
            "--max-age",
            "30d",
            "--age-from",
            "mtime",
            "--now",
            NOW,
        ]);
        if dry {
            c.arg("--dry-run");
        }
        c.arg(tmp.path()).output().unwrap()
    };
    let plan = prune(true);
    let deleted = prune(false);
    let pid = daemon.pid();
    drop(daemon);
    let (plan, out) = (
        String::from_utf8(plan.stdout).unwrap(),
        String::from_utf8(deleted.stdout).unwrap(),
    );
    for text in [&plan, &out] {
        assert!(
            text.contains(&format!(
                "keep {} (open for writing by pid {pid} (",
                live.display()
            )),
            "{text}"
        );
    }
    assert!(
        plan.contains(&format!("would delete {}", closed.display())),
        "{plan}"
    );
    assert!(live.exists(), "the file being written is kept");
    assert!(!closed.exists() && !read.exists(), "{out}");
    assert_eq!(deleted.status.code(), Some(0));
}
