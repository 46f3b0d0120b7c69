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
