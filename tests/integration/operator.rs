//! Operator tooling: shell completions for every shell, format detection of every fixture.

use crate::common::{fixture, logscrub};
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
    // Nothing could be read: an error (1); some files: partial (4).
    logscrub()
        .arg("detect")
        .arg(fixture("web/no-such.log"))
        .assert()
        .code(1)
        .stderr(contains("cannot open"));
    logscrub()
        .arg("detect")
        .arg(fixture("web/no-such.log"))
        .arg(fixture("web/combined.log"))
        .assert()
        .code(4)
        .stdout(contains("combined"));
    // `-` is standard input, as everywhere else (a new user's review: `cannot open -`).
    logscrub()
        .args(["detect", "-"])
        .write_stdin(std::fs::read(fixture("dns/unbound.log")).unwrap())
        .assert()
        .success()
        .stdout(contains("-: unbound ("));
}

#[test]
fn audit_clean_dirty_masked_and_exit_statuses() {
    use std::fs;
    let d = tempfile::tempdir().unwrap();
    let clean = d.path().join("clean");
    fs::create_dir_all(clean.join("sub")).unwrap();
    // What minimal-web produces is clean.
    let anon = logscrub()
        .args(["anonymize", "-q", "--rules"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/minimal-web.toml"
        ))
        .arg(fixture("web/combined.log"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    fs::write(clean.join("sub/access.log"), &anon).unwrap();
    logscrub()
        .args(["audit", "-r"])
        .arg(&clean)
        .assert()
        .success()
        .stdout(contains("clean (300 lines)"));
    // Standard input, as the end of a pipe (`-` was "cannot open -").
    logscrub()
        .args(["audit", "-"])
        .write_stdin(anon.clone())
        .assert()
        .success()
        .stdout(contains("<stdin>: clean (300 lines)"));
    logscrub()
        .args(["audit", "-"])
        .write_stdin("x 192.0.2.77 y\n")
        .assert()
        .code(1)
        .stdout(contains("<stdin>: 1 findings"));

    // A seeded dirty file: exact counts and first lines, nothing in clear.
    let dirty = d.path().join("dirty.log");
    fs::write(
        &dirty,
        "192.0.2.0 ok\n\
         192.0.2.77 - - GET /a?token=abc HTTP/1.1\n\
         clean line\n\
         to alice@example.org from [2001:db8:1:2::5]:443\n\
         /dns-query?dns=AAABAAAB and 198.51.100.0\n\
         /q?email=bob%40example.net&session=XYZ&key=-\n",
    )
    .unwrap();
    let out = logscrub()
        .arg("audit")
        .arg(&dirty)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("7 findings in 6 lines"), "{out}");
    assert!(
        out.contains("2 addresses (lines 2, 4; e.g. 192.0.2.x)"),
        "{out}"
    );
    assert!(out.contains("2 e-mail addresses (lines 4, 6"), "{out}");
    assert!(out.contains("2 credential parameters (lines 2, 6"), "{out}");
    assert!(out.contains("1 DoH questions (lines 5"), "{out}");
    for secret in [
        "192.0.2.77",
        "alice",
        "bob",
        "abc",
        "XYZ",
        "AAABAAAB",
        "2001:db8:1:2::5",
    ] {
        assert!(!out.contains(secret), "{secret} shown in clear: {out}");
    }
    let json = logscrub()
        .args(["audit", "--json"])
        .arg(&dirty)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        (
            v["address"]["count"].as_u64(),
            v["token"]["first_lines"][1].as_u64()
        ),
        (Some(2), Some(6))
    );

    // Wider prefixes make the same addresses findings or not.
    fs::write(d.path().join("net.log"), "198.51.100.77\n").unwrap();
    logscrub()
        .args(["audit", "--ipv4-prefix", "32"])
        .arg(d.path().join("net.log"))
        .assert()
        .success();
    logscrub()
        .arg("audit")
        .arg(d.path().join("missing.log"))
        .assert()
        .code(2);

    // A file pseudonymized with --mode hash: plain audit sees addresses everywhere; told the
    // mode, it turns the address check off and says so (issue 22).
    let hashed = logscrub()
        .args(["anonymize", "-q", "--mode", "hash", "--ephemeral-key"])
        .arg(fixture("web/combined.log"))
        .output()
        .unwrap()
        .stdout;
    fs::write(d.path().join("hashed.log"), hashed).unwrap();
    let json = |args: &[&str]| {
        let out = logscrub()
            .args(["audit", "--json"])
            .args(args)
            .arg(d.path().join("hashed.log"))
            .output()
            .unwrap();
        (
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (plain, _) = json(&[]);
    assert!(plain["address"]["count"].as_u64().unwrap() > 0);
    let (told, stderr) = json(&["--mode", "hash"]);
    assert_eq!(told["address"]["count"].as_u64(), Some(0));
    assert_eq!(told["email"]["count"], plain["email"]["count"]);
    assert!(stderr.contains("address check is off"), "{stderr}");
}

/// The progress bar appears only on a terminal (here one made by `script`), never in a pipe and
/// never with --quiet.
#[test]
fn progress_only_on_a_terminal() {
    use std::process::Command;
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("big.log");
    let base = std::fs::read(fixture("web/combined.log")).unwrap();
    std::fs::write(&big, base.repeat(400)).unwrap(); // ~29 MB: a few progress ticks in a debug build
    let bin = assert_cmd::cargo::cargo_bin("logscrub");
    // A pipe: summary only.
    let o = Command::new(&bin)
        .args(["anonymize"])
        .arg(&big)
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("ETA") && err.contains("120000 lines"),
        "{err}"
    );
    if !crate::common::have_tool("script", "the progress bar on a terminal") {
        return;
    }
    let run = |extra: &str| {
        let cmd = format!(
            "{} anonymize {extra} {} > /dev/null",
            bin.display(),
            big.display()
        );
        let o = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(run("").contains("ETA"), "a bar on a terminal");
    assert!(!run("-q").contains("ETA"), "none with --quiet");
    assert!(
        !run("--no-progress").contains("ETA"),
        "none with --no-progress"
    );
}

/// `--format <TAB>` offers the format names, not file names, and any `apache:`/`nginx:` string
/// is still taken (issue 22).
#[test]
fn format_completion_offers_the_names() {
    let o = logscrub().args(["completions", "bash"]).output().unwrap();
    let script = String::from_utf8(o.stdout).unwrap();
    let line = script
        .lines()
        .skip_while(|l| !l.contains("--format)"))
        .nth(1)
        .unwrap();
    for name in ["auto", "combined", "bind", "unbound", "dnsmasq", "nginx:"] {
        assert!(line.contains(name), "{name}: {line}");
    }
    logscrub()
        .args([
            "anonymize",
            "-q",
            "-f",
            "nginx:$remote_addr - $request",
            "-",
        ])
        .write_stdin("192.0.2.7 - GET /\n")
        .assert()
        .success()
        .stdout("192.0.2.0 - GET /\n");
}

/// `logscrub init` writes a policy that works as written (issue 22): on a root with nginx's and
/// Unbound's logs where their packages put them, the policy anonymizes the rotated files and
/// `audit --policy` then finds them clean; an existing file is kept without --force.
#[test]
fn init_writes_a_policy_that_runs() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    std::fs::create_dir_all(root.join("var/log/nginx")).unwrap();
    std::fs::create_dir_all(root.join("var/log/unbound")).unwrap();
    let web = std::fs::read(fixture("web/combined.log")).unwrap();
    std::fs::write(root.join("var/log/nginx/access.log"), &web).unwrap();
    std::fs::write(root.join("var/log/nginx/access.log.1"), &web).unwrap();
    let dns = std::fs::read(fixture("dns/unbound.log")).unwrap();
    std::fs::write(root.join("var/log/unbound/unbound.log"), &dns).unwrap();
    std::fs::write(root.join("var/log/unbound/unbound.log.1"), &dns).unwrap();
    let policy = root.join("policy.toml");
    logscrub()
        .args(["init", "--root"])
        .arg(root)
        .arg("-o")
        .arg(&policy)
        .assert()
        .success();
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(text.contains("name = \"nginx\"") && text.contains("# name = \"bind\""));
    logscrub()
        .args(["init", "--root"])
        .arg(root)
        .arg("-o")
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    logscrub()
        .args(["run", "-q", "--policy"])
        .arg(&policy)
        .assert()
        .success();
    for f in [
        "var/log/nginx/access.log.1",
        "var/log/unbound/unbound.log.1",
    ] {
        let after = std::fs::read(root.join(f)).unwrap();
        assert_eq!(
            crate::common::untruncated(&after),
            Vec::<String>::new(),
            "{f}"
        );
    }
    assert_eq!(
        std::fs::read(root.join("var/log/nginx/access.log")).unwrap(),
        web,
        "the live file is never touched"
    );
    logscrub()
        .args(["audit", "--policy"])
        .arg(&policy)
        .assert()
        .success();
}

#[test]
/// A directory in which nothing was checked is no clean bill: an error (status 2), and each
/// symbolic link skipped is said (found by a new user's review: exit 0 and no word).
fn audit_of_a_directory_with_nothing_to_check_fails() {
    use std::fs;
    let d = tempfile::tempdir().unwrap();
    let empty = d.path().join("empty");
    fs::create_dir(&empty).unwrap();
    logscrub()
        .args(["audit", "-r"])
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(contains("no file to check"));
    let links = d.path().join("links");
    fs::create_dir(&links).unwrap();
    fs::write(d.path().join("a.log"), "192.0.2.77 x\n").unwrap();
    std::os::unix::fs::symlink("../a.log", links.join("link.log")).unwrap();
    logscrub()
        .args(["audit", "-r"])
        .arg(&links)
        .assert()
        .code(2)
        .stderr(contains("link.log: a symbolic link, not followed"))
        .stderr(contains("no file to check"));
    // A link beside a file: said, and the file checked.
    fs::write(links.join("b.log"), "192.0.2.0 x\n").unwrap();
    logscrub()
        .args(["audit", "-r"])
        .arg(&links)
        .assert()
        .success()
        .stderr(contains("not followed"))
        .stdout(contains("clean (1 lines)"));
}
