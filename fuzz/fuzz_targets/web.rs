//! Every built-in web format on arbitrary bytes: the first byte picks the format (W3C's takes
//! the text's first line as its `#Fields:` header). No panic; every span in bounds; the line
//! rewritten has as many line ends as it had.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::anonymize::{Anonymizer, Cache, Scheme};
use logscrub::format::{BUILTIN, Fields, Format, FormatChoice};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let (name, _) = BUILTIN[pick as usize % BUILTIN.len()];
    let Ok(FormatChoice::Fixed(format)) = Format::from_spec(name) else {
        unreachable!("{name} is built in")
    };
    let (header, line) = match memchr_nl(text) {
        Some(k) => (Some(&text[..k]), &text[k + 1..]),
        None => (None, text),
    };
    let mut f = Fields::default();
    format.start_piece(header, &mut f);
    if format.parse(line, &mut f).is_ok() {
        assert!(f.iter().all(|(_, a, b)| a <= b && b <= line.len()), "{name}");
    }
    let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
    let mut out = Vec::new();
    a.rewrite_line(line, b'\n', &mut out, &mut Cache::default());
    let nl = |b: &[u8]| b.iter().filter(|&&x| x == b'\n').count();
    assert_eq!(nl(&out), nl(line), "{name}");
});

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}
