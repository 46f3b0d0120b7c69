//! The address finder and rewriter on arbitrary bytes: no panic, literals in order and in bounds,
//! and a second pass over the output finds nothing left to change (truncation is idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::anonymize::scan::find_each;
use logscrub::anonymize::{Anonymizer, Cache, Scheme};

fuzz_target!(|data: &[u8]| {
    let mut last = 0;
    find_each(data, b'\n', |f| {
        assert!(f.start >= last && f.start < f.end && f.end <= data.len());
        last = f.end;
    });
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
    let mut out = Vec::new();
    a.rewrite_line(data, b'\n', &mut out, &mut Cache::default());
    let mut again = Vec::new();
    let c = a.rewrite_line(&out, b'\n', &mut again, &mut Cache::default());
    assert_eq!(c.rewritten, 0, "a second pass must find nothing to rewrite");
});
