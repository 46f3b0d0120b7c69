//! Text written as a JSON array of byte values (`[49,57,50,46,48,…]`): `journalctl -o json`
//! writes a field so when it holds a control byte or invalid UTF-8, and the address finder sees
//! no text in it. Such an array is decoded, scrubbed like a line and written back the same way
//! (`crate::pipeline` does this for the lines no format reads; `audit` looks inside them).

use super::{Anonymizer, Cache};

/// The fewest values an array must have to hold an address literal (`1.2.3.4`).
const FEWEST: usize = 7;

/// The next array of byte values in `line` at or after `from`: its span, `[` to `]` included,
/// with its bytes decoded into `out` (cleared first). Values are decimal, 0 to 255, separated by
/// commas, with JSON's whitespace (space, tab, CR, LF) allowed around each (`[ 49, 57 ]`,
/// `[49 ,57]`: a new user's review found only `[49, 57]` read).
pub fn next(line: &[u8], mut from: usize, out: &mut Vec<u8>) -> Option<(usize, usize)> {
    while let Some(k) = memchr::memchr(b'[', line.get(from..)?) {
        let start = from + k;
        if let Some(end) = decode(line, start, out) {
            return Some((start, end));
        }
        from = start + 1;
    }
    None
}

/// The array starting at `line[start]` (a `[`) decoded into `out`; where it ends (after `]`).
fn decode(line: &[u8], start: usize, out: &mut Vec<u8>) -> Option<usize> {
    out.clear();
    let space = |mut i: usize| {
        while line
            .get(i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            i += 1;
        }
        i
    };
    let mut i = space(start + 1);
    loop {
        let digits = line[i..]
            .iter()
            .take(4)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 {
            return None;
        }
        let v = line[i..i + digits]
            .iter()
            .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
        out.push(u8::try_from(v).ok()?);
        i = space(i + digits);
        match line.get(i)? {
            b',' => i = space(i + 1),
            b']' => return (out.len() >= FEWEST).then_some(i + 1),
            _ => return None,
        }
    }
}

/// `bytes` written as an array of byte values, as journald writes one.
pub fn encode(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'[');
    for (k, &b) in bytes.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        // Decimal, without a `String` per byte.
        if b >= 100 {
            out.push(b'0' + b / 100);
        }
        if b >= 10 {
            out.push(b'0' + b / 10 % 10);
        }
        out.push(b'0' + b % 10);
    }
    out.push(b']');
}

/// Each array of byte values in `line` whose text holds an address literal, scrubbed: calls
/// `edit(start, end, replacement)` for it (the array written anew; false when the span is
/// edited already, by a rule) and returns how many literals were rewritten.
pub fn scrub(
    a: &Anonymizer,
    line: &[u8],
    cache: &mut Cache,
    mut edit: impl FnMut(usize, usize, &[u8]) -> bool,
) -> u64 {
    let (mut decoded, mut scrubbed, mut text) = (Vec::new(), Vec::new(), Vec::new());
    let (mut from, mut n) = (0, 0);
    while let Some((s, e)) = next(line, from, &mut decoded) {
        from = e;
        scrubbed.clear();
        let c = a.rewrite_line(&decoded, b'\n', &mut scrubbed, cache);
        if scrubbed != decoded {
            text.clear();
            encode(&scrubbed, &mut text);
            if edit(s, e, &text) {
                n += c.rewritten;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::Scheme;

    #[test]
    fn arrays_are_found_decoded_and_written_back() {
        let mut out = Vec::new();
        let line = b"{\"A\":[1,2],\"MESSAGE\":[49,57,50,46,48,46,50,46,49,55, 27],\"B\":[300,1,1,1,1,1,1,1]}";
        let (s, e) = next(line, 0, &mut out).unwrap();
        assert_eq!(&line[s..e], b"[49,57,50,46,48,46,50,46,49,55, 27]");
        assert_eq!(out, b"192.0.2.17\x1b");
        let mut back = Vec::new();
        encode(&out, &mut back);
        assert_eq!(back, b"[49,57,50,46,48,46,50,46,49,55,27]");
        assert_eq!(next(line, e, &mut out), None, "a value over 255 is no byte");
        // JSON's whitespace anywhere between values.
        for spaced in [
            &b"[ 49, 57, 50, 46, 48, 46, 50, 46, 49, 55 ]"[..],
            b"[49 ,57 ,50 ,46 ,48 ,46 ,50 ,46 ,49 ,55]",
            b"[\t49,\r\n57,50,46,48,46,50,46,49,55\n]",
        ] {
            assert_eq!(next(spaced, 0, &mut out), Some((0, spaced.len())));
            assert_eq!(out, b"192.0.2.17");
        }
        assert_eq!(next(b"[49,,57,50,46,48,46,50]", 0, &mut out), None);
        assert_eq!(next(b"[ ,49,57,50,46,48,46,50]", 0, &mut out), None);
        // Every width of a value, there and back.
        back.clear();
        encode(&[0, 9, 10, 99, 100, 255, 7], &mut back);
        assert_eq!(back, b"[0,9,10,99,100,255,7]");
        assert_eq!(next(&back, 0, &mut out), Some((0, back.len())));
        assert_eq!(out, [0, 9, 10, 99, 100, 255, 7]);
        for no in [
            &b"[1,2,3]"[..],
            b"[1,2,3,4,5,6,7",
            b"[1,2,3,4,5,6,x]",
            b"[]",
            b"[1234,1,1,1,1,1,1]",
        ] {
            assert_eq!(
                next(no, 0, &mut out),
                None,
                "{}",
                String::from_utf8_lossy(no)
            );
        }
    }

    #[test]
    fn an_address_inside_is_scrubbed_and_nothing_else_is_touched() {
        let a = Anonymizer::new(Scheme::Truncate, 24, 48, vec![]);
        let mut msg = Vec::new();
        encode(b"client 192.0.2.17#53 (x): query\x1b", &mut msg);
        let line = [
            b"{\"MESSAGE\":".as_slice(),
            &msg,
            b",\"N\":[1,2,3,4,5,6,7,8]}",
        ]
        .concat();
        let mut edits = Vec::new();
        let n = scrub(&a, &line, &mut Cache::default(), |s, e, t| {
            edits.push((s, e, t.to_vec()));
            true
        });
        assert_eq!(n, 1);
        assert_eq!(
            edits.len(),
            1,
            "the array without an address stays as it is"
        );
        let (s, e, t) = &edits[0];
        assert_eq!((*s, *e), (11, 11 + msg.len()));
        let mut want = Vec::new();
        encode(b"client 192.0.2.0#53 (x): query\x1b", &mut want);
        assert_eq!(t, &want);
    }
}
