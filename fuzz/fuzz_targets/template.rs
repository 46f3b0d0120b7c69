//! Format strings and lines: the first line of the input is an Apache or nginx format string,
//! the rest are log lines. Compiling and matching must never panic; spans stay in bounds. Every
//! line is also matched by the built-in combined format, whose unrolled parse must give what
//! the interpreter gives for the same format spelled otherwise (`User-Agent`, not `User-agent`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::format::Fields;
use logscrub::format::template::{COMBINED, Template};

/// [`COMBINED`] spelled otherwise: the same steps, matched by the interpreter.
const COMBINED_TWIN: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (spec, lines) = text.split_once('\n').unwrap_or((text, ""));
    let mut fields = Fields::default();
    let (fast, slow) = (
        Template::apache(COMBINED).unwrap(),
        Template::apache(COMBINED_TWIN).unwrap(),
    );
    for (fast, slow) in [
        (fast.clone(), slow.clone()),
        (fast.lenient(), slow.lenient()),
    ] {
        for line in text.split('\n') {
            let (mut a, mut b) = (Fields::default(), Fields::default());
            let (ra, rb) = (
                fast.parse(line.as_bytes(), &mut a),
                slow.parse(line.as_bytes(), &mut b),
            );
            assert_eq!(ra, rb, "{line:?}");
            if ra.is_ok() {
                assert!(a.iter().eq(b.iter()), "{line:?}");
            }
        }
    }
    for t in [Template::apache(spec), Template::nginx(spec)]
        .into_iter()
        .flatten()
    {
        for line in lines.split('\n') {
            fields.clear();
            if t.parse(line.as_bytes(), &mut fields).is_ok() {
                assert_eq!(fields.len(), t.fields().len());
                assert!(fields.iter().all(|(_, s, e)| s <= e && e <= line.len()));
            }
        }
    }
});
