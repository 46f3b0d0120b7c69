//! The committed man page must equal what the CLI definition renders today.
//! Refresh it with `UPDATE_MAN=1 cargo test --test integration man::`.

#[test]
fn committed_man_page_is_current() {
    let want = logscrub::manpage::render(&logscrub::cli::command());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/man/logscrub.1");
    if std::env::var_os("UPDATE_MAN").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "man/logscrub.1 is stale: run `UPDATE_MAN=1 cargo test --test integration man::` and commit it"
    );
}

#[test]
fn man_page_documents_every_exit_status_and_option() {
    let page = logscrub::manpage::render(&logscrub::cli::command());
    for (code, _) in logscrub::exit::TABLE {
        assert!(
            page.contains(&format!(".B {}\n", *code as u8)),
            "exit status {}",
            *code as u8
        );
    }
    for opt in [
        "in\\-place",
        "on\\-unparsed",
        "keep\\-net",
        "summary\\-json",
        "max\\-line\\-length",
        "key\\-file",
    ] {
        assert!(page.contains(opt), "{opt}");
    }
}

#[test]
fn rules_page_documents_every_action_section_field_and_shipped_set() {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/logscrub-rules.5"))
            .unwrap();
    let page = page.replace("\\-", "-");
    for action in [
        "keep",
        "drop",
        "hash",
        "truncate-ip",
        "strip-query",
        "redact-params",
        "referrer-site",
        "user-agent-family",
        "qname-reduce",
        "replace",
        "map",
    ] {
        assert!(
            page.contains(&format!(".B {action}\n")),
            "action {action} has no entry"
        );
    }
    for section in [
        "[addresses]",
        "[fields]",
        "[keep-only]",
        "[[exclude]]",
        "[options]",
    ] {
        assert!(
            page.contains(&format!(".B {section}\n")),
            "section {section}"
        );
    }
    for (_, name) in logscrub::format::fields::STD_NAMES {
        assert!(page.contains(name), "field {name}");
    }
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".toml") {
            continue; // rules/policies/: example policies, in logscrub-policy(5)
        }
        assert!(
            page.contains(&format!(".B {name}\n")),
            "shipped rule set {name}"
        );
    }
    // The examples in the page are valid rules.
    for ex in page.split(".EX\n").skip(1) {
        let text = ex.split(".EE").next().unwrap();
        let full = text.lines().any(|l| l.starts_with('['));
        let text = if full {
            text.to_string()
        } else {
            format!("[fields]\n{text}")
        };
        if text.contains("logscrub ") {
            continue;
        }
        logscrub::rules::compile(&text)
            .unwrap_or_else(|e| panic!("example does not compile: {text}\n{e:?}"));
    }
}

#[test]
fn man_page_has_a_section_for_every_scheme() {
    let page = logscrub::manpage::render(&logscrub::cli::command());
    for (name, _, _) in logscrub::anonymize::SCHEMES {
        assert!(
            page.contains(&format!(".TP\n.B {}\n", name.replace('-', "\\-"))),
            "scheme {name}"
        );
    }
}

/// The committed completion scripts (packaged by `cargo deb`) equal what the CLI generates.
/// Refresh them with `UPDATE_MAN=1 cargo test --test integration man::`.
#[test]
fn committed_completions_are_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/completions");
    for (shell, file) in [
        (clap_complete::Shell::Bash, "logscrub.bash"),
        (clap_complete::Shell::Zsh, "_logscrub"),
        (clap_complete::Shell::Fish, "logscrub.fish"),
    ] {
        let mut want = Vec::new();
        logscrub::cli::completions(shell, &mut want).unwrap();
        let path = format!("{dir}/{file}");
        if std::env::var_os("UPDATE_MAN").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        assert!(
            std::fs::read(&path).unwrap_or_default() == want,
            "{path} is stale: run `UPDATE_MAN=1 cargo test --test integration man::`"
        );
    }
}

/// Every file `cargo deb` is told to package exists (the binary is built by cargo deb itself).
#[test]
fn debian_package_assets_exist() {
    let manifest: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
    let assets = manifest["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .unwrap();
    assert!(assets.len() >= 8);
    for a in assets {
        let src = a[0].as_str().unwrap();
        if src.starts_with("target/") {
            continue;
        }
        let pattern = concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + src;
        let found = if let Some((dir, ext)) = pattern.rsplit_once("/*") {
            std::fs::read_dir(dir)
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(ext))
        } else {
            std::path::Path::new(&pattern).exists()
        };
        assert!(found, "cargo deb asset {src} does not exist");
    }
}

#[test]
fn policy_page_documents_every_key_example_and_shipped_policy() {
    let page = include_str!("../../man/logscrub-policy.5");
    let unescaped = page.replace("\\-", "-");
    for key in [
        "state-dir",
        "metrics",
        "[[source]]",
        "name",
        "files",
        "live",
        "format",
        "rules",
        "mode",
        "ipv4-prefix",
        "ipv6-prefix",
        "key-file",
        "keep-net",
        "on-unparsed",
        "anonymize-after",
        "raw-retention",
        "retention",
        "keep-forever",
        "age-from",
        "statistics",
        "[statistics]",
        "key-file",
        "reports",
        "min-count",
        "top",
        "bucket",
        "capacity",
        "dp-epsilon",
        "window",
        "geoip",
    ] {
        assert!(
            unescaped.contains(&format!(".B {key}\n"))
                || unescaped.lines().any(|l| l.starts_with(".BR ")
                    && (l.contains(&format!(" {key} ")) || l.ends_with(&format!(" {key}")))),
            "key {key} documented"
        );
    }
    // The example is a valid policy.
    let ex = unescaped
        .split(".EX\n")
        .find(|e| e.starts_with("# /etc/logscrub/policy.toml"))
        .unwrap()
        .split(".EE")
        .next()
        .unwrap();
    let p = logscrub::policy::parse(ex, std::path::Path::new("/etc/logscrub/policy.toml")).unwrap();
    assert_eq!(p.sources.len(), 2);
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/policies")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            unescaped.contains(&format!(".B {name}\n")),
            "example policy {name}"
        );
    }
    // Every exit status run uses is explained.
    for code in ["0 all done", "2 the", "4 some", "5 another run"] {
        assert!(unescaped.contains(code), "{code}");
    }
}
