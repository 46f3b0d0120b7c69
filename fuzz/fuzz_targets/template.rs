//! Format strings and lines: the first line of the input is an Apache or nginx format string,
//! the rest are log lines. Compiling and matching must never panic; spans stay in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::template::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (spec, lines) = text.split_once('\n').unwrap_or((text, ""));
    let mut spans = Vec::new();
    for t in [Template::apache(spec), Template::nginx(spec)].into_iter().flatten() {
        for line in lines.split('\n') {
            if t.parse(line.as_bytes(), &mut spans).is_ok() {
                assert_eq!(spans.len(), t.fields().len());
                assert!(spans.iter().all(|&(s, e)| s <= e && e <= line.len()));
            }
        }
    }
});
