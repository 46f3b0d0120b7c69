//! Rule files and policy files: any text must give a rule set / policy or errors with a place
//! inside the text, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.lines().count().max(1);
    if let Err(errors) = logscrub::rules::compile(text) {
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.line <= lines + 1));
    }
    if let Err(e) = logscrub::policy::parse(text, std::path::Path::new("/etc/logscrub/p.toml")) {
        assert!(e.line <= lines + 1, "{e}");
    }
});
