//! Format strings and lines: the first line of the input is an Apache or nginx format string,
//! the rest are log lines. Compiling and matching must never panic; spans stay in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::Fields;
use logscrub::format::template::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (spec, lines) = text.split_once('\n').unwrap_or((text, ""));
    let mut fields = Fields::default();
    for t in [Template::apache(spec), Template::nginx(spec)].into_iter().flatten() {
        for line in lines.split('\n') {
            fields.clear();
            if t.parse(line.as_bytes(), &mut fields).is_ok() {
                assert_eq!(fields.len(), t.fields().len());
                assert!(fields.iter().all(|(_, s, e)| s <= e && e <= line.len()));
            }
        }
    }
});
