//! Every shipped rule set over arbitrary bytes read as web and DNS formats, in tiny pieces: no
//! panic (overlapping field spans, repeated fields, empty fields at an edit's end) and never
//! more output lines than input lines (rule sets may drop and exclude lines).
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use logscrub::anonymize::{Anonymizer, Scheme};
use logscrub::format::{Format, FormatChoice};
use logscrub::input::Chunker;
use logscrub::pipeline::{self, Engine, Workers};
use logscrub::rules::{OnUnparsed, RulePlan};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    let formats = ["combined", "bind", "unbound", "dnsmasq", "syslog", "json"];
    let format = formats[usize::from(pick) % formats.len()];
    let (_, text) = logscrub::rules::compile::BUILTIN
        [usize::from(pick / 8) % logscrub::rules::compile::BUILTIN.len()];
    let set = logscrub::rules::compile(text).expect("a shipped set compiles");
    let Ok(FormatChoice::Fixed(format)) = Format::from_spec(format) else {
        unreachable!()
    };
    let rules = Some(Arc::new(RulePlan::new(&set, &format, None).expect("binds")));
    let e = Engine {
        format,
        anonymizer: Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
        on_unparsed: OnUnparsed::Scrub,
        compress: None,
        rules,
        keep_unparsed: false,
        max_line: 300,
    };
    let mut c = Chunker::new(data, 97, 300);
    let mut out = Vec::new();
    // A line may be refused (`on-unparsed = "fail"` in a set): an error, never a panic.
    if pipeline::run(&e, &Workers::new(), &mut c, &mut out).is_err() {
        return;
    }
    let nl = |b: &[u8]| b.iter().filter(|&&x| x == b'\n').count();
    assert!(nl(&out) <= nl(data));
});
