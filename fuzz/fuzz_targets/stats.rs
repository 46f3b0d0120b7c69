//! Statistics inputs: any time text parses or not without panicking; any state file is read or
//! refused, and a state that is read renders in every format; any line counts without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::anonymize::{Anonymizer, Key, Scheme};
use logscrub::format::{Fields, Format, FormatChoice};
use logscrub::stats::report::Report;
use logscrub::stats::{Collector, Granularity, State, Uniques, time};

fuzz_target!(|data: &[u8]| {
    let reference = chrono::DateTime::from_timestamp(1_795_316_400, 0).unwrap();
    let _ = time::parse(data, reference, 3600);
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(s) = serde_json::from_str::<State>(text)
    {
        let r = Report::new(&s, 2, 5, None);
        let _ = (r.json(), r.csv(), r.markdown(), r.html());
    }
    let u = Uniques::from_key(&Key::from_bytes([3u8; 32]));
    let mut c = Collector::new(
        State::new(Granularity::Hour, 3600, u.fingerprint.clone(), 4),
        u,
        Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
        reference,
    );
    let mut f = Fields::default();
    for spec in ["combined", "bind", "unbound", "dnsmasq"] {
        let Ok(FormatChoice::Fixed(fmt)) = Format::from_spec(spec) else { continue };
        for line in data.split(|&b| b == b'\n') {
            f.clear();
            if fmt.parse(line, &mut f).is_ok() {
                c.line(line, &f);
            }
        }
    }
    let s = c.finish();
    assert!(s.panels.values().all(|p| p.counts.len() <= 2 * p.capacity));
});
