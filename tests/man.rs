//! The committed man page must equal what the CLI definition renders today.
//! Refresh it with `UPDATE_MAN=1 cargo test --test man`.

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
        "man/logscrub.1 is stale: run `UPDATE_MAN=1 cargo test --test man` and commit it"
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
