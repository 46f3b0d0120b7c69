//! The JSON-lines scanner on arbitrary bytes: no panic, and the client span is in bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::json;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((s, e))) = json::parse_client(data) {
        assert!(s <= e && e <= data.len());
    }
});
