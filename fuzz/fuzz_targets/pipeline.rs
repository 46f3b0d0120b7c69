//! The whole pipeline on arbitrary bytes with every built-in format and tiny pieces: no panic,
//! and every input line produces an output line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::anonymize::{Anonymizer, Scheme};
use logscrub::format::{Format, FormatChoice};
use logscrub::input::Chunker;
use logscrub::pipeline::{self, Engine, Workers};
use logscrub::rules::OnUnparsed;

fuzz_target!(|data: &[u8]| {
    for name in [
        "raw",
        "combined",
        "vhost_combined",
        "json",
        "syslog",
        // The escaped raw bytes of `$binary_remote_addr`, decoded and rewritten.
        r#"nginx:$binary_remote_addr [$time_local] "$request" $status"#,
        // `#Fields:` directives followed by the chunker across tiny pieces.
        "w3c",
        r#"goaccess:%h %^[%d:%t %^] "%r" %s %b %U"#,
    ] {
        let Ok(FormatChoice::Fixed(format)) = Format::from_spec(name) else { unreachable!() };
        let e = Engine {
            format,
            anonymizer: Anonymizer::new(Scheme::Truncate, 24, 48, vec![]),
            on_unparsed: OnUnparsed::Scrub,
            compress: None,
            rules: None,
            keep_unparsed: false,
            max_line: 300,
        };
        let mut c = Chunker::new(data, 97, 300);
        if let Some(prefix) = e.format.directive() {
            c.follow(prefix);
        }
        let mut out = Vec::new();
        pipeline::run(&e, &Workers::new(), &mut c, &mut out).expect("no I/O errors on memory");
        let nl = |b: &[u8]| b.iter().filter(|&&x| x == b'\n').count();
        assert_eq!(nl(&out), nl(data));
    }
});
