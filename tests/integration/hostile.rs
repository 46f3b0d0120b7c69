//! Hostile files, keys and arguments (issue 15), as one table: the input, the command, the exit
//! status, a fragment of the message, and then for every case: no panic, no raw address in any
//! output, and a file that was refused left exactly as it was.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{logscrub, untruncated};

const LOG: &str =
    "192.0.2.17 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n";

/// What a case sets up in its directory: a file's name and bytes, and its mode.
struct Setup {
    files: &'static [(&'static str, Content, u32)],
    env: &'static [(&'static str, &'static str)],
}

#[derive(Clone, Copy)]
enum Content {
    Bytes(&'static [u8]),
    /// The log, with these magic bytes in front (a compressed file as far as sniffing goes).
    Magic(&'static [u8]),
    /// This many bytes of a repeated pattern.
    Big(usize),
    /// This many bytes of text (`a`).
    BigText(usize),
}

struct Case {
    name: &'static str,
    setup: Setup,
    args: &'static [&'static str],
    status: i32,
    message: &'static str,
    /// Files that must come out byte-identical.
    unchanged: &'static [&'static str],
}

const fn files(f: &'static [(&'static str, Content, u32)]) -> Setup {
    Setup { files: f, env: &[] }
}

const CASES: &[Case] = &[
    // 1. Compression logscrub cannot rewrite is refused before anything is written.
    Case {
        name: "lz4 in place",
        setup: files(&[(
            "x.log.lz4",
            Content::Magic(&[0x04, 0x22, 0x4d, 0x18]),
            0o644,
        )]),
        args: &["anonymize", "--in-place", "x.log.lz4"],
        status: 1,
        message: "lz4-compressed",
        unchanged: &["x.log.lz4"],
    },
    Case {
        name: "lzip",
        setup: files(&[("x.lz", Content::Magic(b"LZIP"), 0o644)]),
        args: &["anonymize", "--in-place", "x.lz"],
        status: 1,
        message: "lzip-compressed",
        unchanged: &["x.lz"],
    },
    Case {
        name: "lzop",
        setup: files(&[(
            "x.lzo",
            Content::Magic(&[0x89, b'L', b'Z', b'O', 0, 0x0d, 0x0a, 0x1a, 0x0a]),
            0o644,
        )]),
        args: &["anonymize", "x.lzo"],
        status: 1,
        message: "lzop-compressed",
        unchanged: &["x.lzo"],
    },
    Case {
        name: "compress .Z",
        setup: files(&[("x.Z", Content::Magic(&[0x1f, 0x9d, 0x90]), 0o644)]),
        args: &["anonymize", "--in-place", "x.Z"],
        status: 1,
        message: "uncompress -c",
        unchanged: &["x.Z"],
    },
    Case {
        name: "7z",
        setup: files(&[(
            "x.7z",
            Content::Magic(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]),
            0o644,
        )]),
        args: &["anonymize", "x.7z"],
        status: 1,
        message: "7z-compressed",
        unchanged: &["x.7z"],
    },
    Case {
        name: "zip",
        setup: files(&[("x.zip", Content::Magic(b"PK\x03\x04"), 0o644)]),
        args: &["stats", "x.zip"],
        status: 1,
        message: "zip-compressed",
        unchanged: &["x.zip"],
    },
    // 2. Empty and implausible keys.
    Case {
        name: "ipcipher empty key file",
        setup: files(&[
            ("k", Content::Bytes(b""), 0o600),
            ("a.log", Content::Bytes(LOG.as_bytes()), 0o644),
        ]),
        args: &[
            "anonymize",
            "--mode",
            "ipcipher",
            "--key-file",
            "k",
            "a.log",
        ],
        status: 1,
        message: "empty, a key anyone can use",
        unchanged: &["a.log"],
    },
    Case {
        name: "ipcipher white-space key file",
        setup: files(&[
            ("k", Content::Bytes(b"  \n\t\n"), 0o600),
            ("a.log", Content::Bytes(LOG.as_bytes()), 0o644),
        ]),
        args: &[
            "anonymize",
            "--mode",
            "ipcipher",
            "--key-file",
            "k",
            "a.log",
        ],
        status: 1,
        message: "empty",
        unchanged: &[],
    },
    Case {
        name: "ipcipher 64 hex digits",
        setup: files(&[(
            "k",
            Content::Bytes(b"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"),
            0o600,
        )]),
        args: &["anonymize", "--mode", "ipcipher", "--key-file", "k", "-"],
        status: 1,
        message: "64 hex digits: an ipcipher key is 32 hex digits",
        unchanged: &[],
    },
    Case {
        name: "ipcipher short passphrase",
        setup: files(&[("k", Content::Bytes(b"secret\n"), 0o600)]),
        args: &["anonymize", "--mode", "ipcipher", "--key-file", "k", "-"],
        status: 1,
        message: "shorter than 12 characters",
        unchanged: &[],
    },
    Case {
        name: "ipcipher binary key file",
        setup: files(&[("k", Content::Big(10 << 20), 0o600)]),
        args: &["anonymize", "--mode", "ipcipher", "--key-file", "k", "-"],
        status: 1,
        message: "not a passphrase",
        unchanged: &["k"],
    },
    Case {
        name: "ipcipher empty passphrase variable",
        setup: Setup {
            files: &[],
            env: &[("LS_PASS", "")],
        },
        args: &[
            "anonymize",
            "--mode",
            "ipcipher",
            "--passphrase-env",
            "LS_PASS",
            "-",
        ],
        status: 1,
        message: "environment variable LS_PASS (--passphrase-env): the passphrase is empty",
        unchanged: &[],
    },
    Case {
        name: "all-zero hash key",
        setup: files(&[(
            "k",
            Content::Bytes(b"0000000000000000000000000000000000000000000000000000000000000000\n"),
            0o600,
        )]),
        args: &["anonymize", "--mode", "hash", "--key-file", "k", "-"],
        status: 1,
        message: "all 0x00: that is no secret",
        unchanged: &[],
    },
    Case {
        name: "stats with a bad key file is an error, not a usage error",
        setup: files(&[
            ("k", Content::Bytes(b"abc\n"), 0o600),
            ("a.log", Content::Bytes(LOG.as_bytes()), 0o644),
        ]),
        args: &["stats", "--key-file", "k", "a.log"],
        status: 1,
        message: "expected 32 bytes as 64 hex digits",
        unchanged: &["a.log"],
    },
    // 6. What is read whole is bounded.
    Case {
        name: "report of /dev/zero",
        setup: files(&[]),
        args: &["report", "/dev/zero"],
        status: 1,
        message: "not a text file (it holds NUL bytes)",
        unchanged: &[],
    },
    Case {
        name: "merge of /dev/zero",
        setup: files(&[]),
        args: &["merge", "/dev/zero"],
        status: 1,
        message: "NUL bytes",
        unchanged: &[],
    },
    Case {
        name: "policy /dev/zero",
        setup: files(&[]),
        args: &["run", "--dry-run", "--policy", "/dev/zero"],
        status: 2,
        message: "NUL bytes",
        unchanged: &[],
    },
    Case {
        name: "a rule file of 2 MB",
        setup: files(&[("r.toml", Content::BigText(2 << 20), 0o644)]),
        args: &["rules", "check", "r.toml"],
        status: 1,
        message: "larger than 1048576 bytes",
        unchanged: &["r.toml"],
    },
    // 9. Errors name their file.
    Case {
        name: "stats to a full disk",
        setup: files(&[("a.log", Content::Bytes(LOG.as_bytes()), 0o644)]),
        args: &["stats", "-q", "a.log", "-o", "/dev/full"],
        status: 1,
        message: "cannot write /dev/full: No space left on device",
        unchanged: &["a.log"],
    },
    Case {
        name: "audit of a broken gzip file",
        setup: files(&[(
            "x.gz",
            Content::Bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03abc"),
            0o644,
        )]),
        args: &["audit", "x.gz"],
        status: 2,
        message: "cannot read x.gz: ",
        unchanged: &["x.gz"],
    },
    // 4. Durations that overflowed.
    Case {
        name: "prune --max-age 106751991167d1d",
        setup: files(&[]),
        args: &["prune", "--max-age", "106751991167d1d", "."],
        status: 2,
        message: "longer than 100 years",
        unchanged: &[],
    },
];

fn write(dir: &Path, name: &str, c: Content, mode: u32) {
    let p = dir.join(name);
    let bytes: Vec<u8> = match c {
        Content::Bytes(b) => b.to_vec(),
        Content::Magic(m) => [m, LOG.as_bytes()].concat(),
        Content::Big(n) => (0..n).map(|i| (i * 7 % 251) as u8).collect(),
        Content::BigText(n) => vec![b'a'; n],
    };
    fs::write(&p, bytes).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn hostile_inputs_get_their_status_and_message_and_change_nothing() {
    for case in CASES {
        let d = tempfile::tempdir().unwrap();
        for &(name, c, mode) in case.setup.files {
            write(d.path(), name, c, mode);
        }
        let before: Vec<Vec<u8>> = case
            .unchanged
            .iter()
            .map(|f| fs::read(d.path().join(f)).unwrap())
            .collect();
        let mut cmd = logscrub();
        cmd.current_dir(d.path()).args(case.args).write_stdin(LOG);
        for (k, v) in case.setup.env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(case.status),
            "{}: {stderr}",
            case.name
        );
        assert!(stderr.contains(case.message), "{}: {stderr}", case.name);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
        assert_eq!(
            untruncated(&out.stdout),
            Vec::<String>::new(),
            "{}",
            case.name
        );
        assert_eq!(
            untruncated(&out.stderr),
            Vec::<String>::new(),
            "{}",
            case.name
        );
        for (f, b) in case.unchanged.iter().zip(before) {
            assert_eq!(
                fs::read(d.path().join(f)).unwrap(),
                b,
                "{}: {f} changed",
                case.name
            );
        }
        // Nothing left beside the files: no temporary file.
        let names: Vec<String> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names.len(),
            case.setup.files.len(),
            "{}: {names:?}",
            case.name
        );
    }
}

/// One rule for standard output, for every command (issue 15, item 5): a full disk is status 1
/// with the reason, a closed stdout (`>&-`) is status 1 (output must not vanish silently), and a
/// reader that went away (`| true`) ends the command quietly with 141. `>/dev/null` still works.
#[test]
fn every_command_reports_lost_output_the_same_way() {
    let bin = assert_cmd::cargo::cargo_bin("logscrub");
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("a.log");
    fs::write(&log, LOG).unwrap();
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/minimal-web.toml");
    let l = log.display().to_string();
    fs::write(d.path().join("a.log.1"), LOG).unwrap();
    let policy = d.path().join("policy.toml");
    fs::write(
        &policy,
        "state-dir = \"state\"\n[[source]]\nname = \"web\"\nfiles = [\"a.log*\"]\nanonymize-after = \"1d\"\n",
    )
    .unwrap();
    let commands: Vec<(Vec<String>, i32)> = vec![
        (vec!["formats".into()], 1),
        (vec!["rules".into(), "check".into(), rules.into()], 1),
        (vec!["completions".into(), "bash".into()], 1),
        (vec!["detect".into(), l.clone()], 1),
        (vec!["keygen".into()], 1),
        (vec!["anonymize".into(), "-q".into(), l.clone()], 1),
        (vec!["stats".into(), "-q".into(), l.clone()], 1),
        (vec!["audit".into(), l.clone()], 2),
        (
            vec![
                "prune".into(),
                "--dry-run".into(),
                "--now".into(),
                "2030-01-01".into(),
                "--max-age".into(),
                "1d".into(),
                d.path().display().to_string(),
            ],
            1,
        ),
        (
            vec![
                "run".into(),
                "--dry-run".into(),
                "--now".into(),
                "2030-01-01".into(),
                "--policy".into(),
                policy.display().to_string(),
            ],
            1,
        ),
    ];
    let sh = |cmd: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .output()
            .unwrap()
    };
    for (args, failed) in commands {
        let line = format!("{} {}", bin.display(), args.join(" "));
        let full = sh(&format!("{line} > /dev/full"));
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert_eq!(
            full.status.code(),
            Some(failed),
            "{line} > /dev/full: {stderr}"
        );
        assert!(
            stderr.contains("No space left on device"),
            "{line}: {stderr}"
        );
        // Which output: `detect` and `prune` once said only "No space left on device".
        assert!(stderr.contains("standard output"), "{line}: {stderr}");
        assert!(!stderr.contains("panicked"), "{line}: {stderr}");

        let closed = sh(&format!("{line} >&-"));
        let stderr = String::from_utf8_lossy(&closed.stderr);
        assert_eq!(closed.status.code(), Some(failed), "{line} >&-: {stderr}");
        assert!(
            stderr.contains("standard output is closed"),
            "{line}: {stderr}"
        );

        // The reader is gone before anything is written.
        let pipe = sh(&format!(
            "(sleep 0.3; {line}; echo \"status $?\" >&2) | true"
        ));
        let stderr = String::from_utf8_lossy(&pipe.stderr);
        assert!(stderr.contains("status 141"), "{line} | true: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{line} | true: quiet, {stderr}");

        let null = sh(&format!("{line} > /dev/null"));
        assert!(
            null.status.code() == Some(0) || args[0] == "audit",
            "{line} > /dev/null: {}",
            String::from_utf8_lossy(&null.stderr)
        );
    }
}

/// `--in-place` never anonymizes a file twice, nor leaves raw content under another name (issue
/// 15, item 7): the same file named twice, by two paths or as two hard links, is a usage error;
/// a file with another name elsewhere is refused and left as it is.
#[test]
fn in_place_refuses_the_same_file_twice_and_hard_links() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.log");
    fs::write(&a, LOG).unwrap();
    let run = |args: &[&str]| {
        logscrub()
            .current_dir(d.path())
            // Truncation: the output always differs from the input below (a hashed host
            // byte was the same as the raw one once in 256 runs).
            .args(["anonymize", "--in-place"])
            .args(args)
            .output()
            .unwrap()
    };
    for args in [&["a.log", "a.log"][..], &["a.log", "./a.log"]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("are the same file"));
    }
    fs::hard_link(&a, d.path().join("b.log")).unwrap();
    let out = run(&["a.log", "b.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("are the same file"));
    let out = run(&["a.log"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has 2 names (hard links)"));
    assert_eq!(fs::read(&a).unwrap(), LOG.as_bytes());
    assert_eq!(fs::read(d.path().join("b.log")).unwrap(), LOG.as_bytes());
    // With the other name gone, it works.
    fs::remove_file(d.path().join("b.log")).unwrap();
    assert!(run(&["a.log"]).status.success());
    assert_ne!(fs::read(&a).unwrap(), LOG.as_bytes());
}

/// audit's line numbers count an overlong line once, however many parts it was read in.
#[test]
fn audit_counts_an_overlong_line_once() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("long.log");
    fs::write(&f, format!("{}\nok\nx 192.0.2.77 y\n", "a".repeat(3 << 20))).unwrap();
    let out = logscrub().arg("audit").arg(&f).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 findings in 3 lines"), "{stdout}");
    assert!(stdout.contains("(lines 3;"), "{stdout}");
}

/// SIGINT, SIGTERM and SIGHUP remove the temporary file being written and end with 128 + the
/// signal (issue 15, item 8); a file size limit is an error that names the file, not a kill.
#[test]
fn signals_and_limits_leave_nothing_behind() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("in.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (sig, name, code) in [
        ("-INT", "SIGINT", 130),
        ("-TERM", "SIGTERM", 143),
        ("-HUP", "SIGHUP", 129),
    ] {
        let out = d.path().join("out.log");
        let child = Command::new(assert_cmd::cargo::cargo_bin("logscrub"))
            .args(["anonymize", "-q", "-o"])
            .arg(&out)
            .arg(&fifo)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Some input, and the writer stays open: logscrub is mid-file when the signal comes.
        let mut w = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        w.write_all(LOG.repeat(2000).as_bytes()).unwrap();
        let tmp_seen = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            fs::read_dir(d.path()).unwrap().count() > 1
        });
        assert!(tmp_seen, "{name}: the temporary file appears");
        assert!(
            Command::new("kill")
                .arg(sig)
                .arg(child.id().to_string())
                .status()
                .unwrap()
                .success()
        );
        let res = child.wait_with_output().unwrap();
        drop(w);
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(code), "{name}: {stderr}");
        assert!(stderr.contains(&format!("stopped by {name}")), "{stderr}");
        let left: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "{name}: only the fifo is left: {left:?}");
    }
    // ulimit -f: an error naming the file, and no temporary file.
    let big = d.path().join("big.log");
    fs::write(&big, LOG.repeat(20_000)).unwrap();
    let res = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f 100; exec {} anonymize -q {} -o {}",
            assert_cmd::cargo::cargo_bin("logscrub").display(),
            big.display(),
            d.path().join("out.log").display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("out.log") && stderr.contains("File too large"),
        "{stderr}"
    );
    let left: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// nginx's `$binary_remote_addr` logs the client's raw bytes, escaped (`\xC0\x00\x02\x11` is
/// 192.0.2.17; `\xC63d\x11` is 198.51.100.17): no finder sees an address there, so a format
/// naming it has the field decoded, truncated and written back in the same escaping; a value
/// that is no address becomes `-`.
#[test]
fn nginx_binary_remote_addr_is_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("bin.log");
    fs::write(
        &log,
        "\\xC0\\x00\\x02\\x11 [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200\n\
         \\xC63d\\x11 [10/Oct/2026:13:55:37 +0000] \"GET / HTTP/1.1\" 200\n\
         \\x20\\x01\\x0D\\xB8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x17 [10/Oct/2026:13:55:38 +0000] \"GET / HTTP/1.1\" 200\n\
         \\xC0\\x00\\x02 [10/Oct/2026:13:55:39 +0000] \"GET / HTTP/1.1\" 200\n",
    )
    .unwrap();
    let o = logscrub()
        .args([
            "anonymize",
            "--strict",
            "--format",
            r#"nginx:$binary_remote_addr [$time_local] "$request" $status"#,
        ])
        .arg(&log)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let firsts: Vec<&str> = out.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        firsts,
        [
            r"\xC0\x00\x02\x00",
            r"\xC63d\x00",
            r"\x20\x01\x0D\xB8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            "-",
        ]
    );
}
