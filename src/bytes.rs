//! The byte searches under the hot path: the next separator of an address literal, the next
//! delimiter of a field.
//!
//! Fields and separators are a few bytes apart in log lines, so an inline loop without call
//! overhead beats a `memchr` call per hit: 16 bytes at a time with SSE2 on x86-64 (part of the
//! x86-64 baseline) through `safe_arch`'s safe wrappers (this crate forbids `unsafe`). The last
//! block of a slice of 16 bytes or more is its final 16 bytes, overlapping, with the bytes
//! already seen masked off: no word-at-a-time and byte-at-a-time tail (-1.6 % instructions on
//! Unbound lines). Shorter slices go a word at a time (SWAR). The searches are written out per
//! set of bytes with the block loop shared and forced inline: a closure the compiler left out of
//! line cost 5 % more instructions.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `v` that is zero; exact for the lowest such byte (higher ones
/// can be false, which is why only the lowest is used).
#[inline(always)]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

/// The 8 bytes of `hay` at `i`, little-endian.
#[inline(always)]
fn word(hay: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(hay[i..i + 8].try_into().expect("8 bytes"))
}

/// Whether `text` has an ASCII digit, a `:` or a `%` (the bytes without which the address finder
/// finds nothing: `crate::anonymize::scan::may_hold_literal`), a word at a time: a byte-at-a-time
/// loop was 7 instructions a byte on a rule's result (a registered domain has none of them).
#[inline]
pub fn has_digit_colon_percent(text: &[u8]) -> bool {
    const F0: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const LOW: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    // Per byte, zero exactly for `0`-`9` and `:` (0x30-0x3A: high nibble 3, low nibble at most
    // 10, so adding 5 leaves bit 4 clear; the sums stay within their bytes) or for `%`: the
    // zero-byte test is exact as a whole (any zero byte sets a bit).
    let hit = |w: u64| {
        let wanted = ((w & F0) ^ (LO * 0x30)) | (((w & LOW) + LO * 5) & (LO * 0x10));
        zero_bytes(wanted) | zero_bytes(w ^ (LO * u64::from(b'%'))) != 0
    };
    let mut words = text.chunks_exact(8);
    if words.any(|w| hit(u64::from_le_bytes(w.try_into().expect("8 bytes")))) {
        return true;
    }
    // The tail, zero-padded: a zero byte is none of the three.
    let rest = words.remainder();
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    hit(u64::from_le_bytes(w))
}

/// [`find_separator`]'s bytes in a block: a byte of the mask per byte of `v`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn separator_hits(v: safe_arch::m128i) -> safe_arch::m128i {
    use safe_arch::{bitor_m128i, cmp_eq_mask_i8_m128i, set_splat_i8_m128i};
    let (dot, colon, pct, backslash, dash) = (
        set_splat_i8_m128i(b'.' as i8),
        set_splat_i8_m128i(b':' as i8),
        set_splat_i8_m128i(b'%' as i8),
        set_splat_i8_m128i(b'\\' as i8),
        set_splat_i8_m128i(b'-' as i8),
    );
    bitor_m128i(
        bitor_m128i(
            bitor_m128i(cmp_eq_mask_i8_m128i(v, dot), cmp_eq_mask_i8_m128i(v, colon)),
            bitor_m128i(
                cmp_eq_mask_i8_m128i(v, pct),
                cmp_eq_mask_i8_m128i(v, backslash),
            ),
        ),
        cmp_eq_mask_i8_m128i(v, dash),
    )
}

/// Position of the first `.`, `:`, `%`, `\`, or `-` after a digit, of `line` at or after `i`
/// (the address finder's separators; a `\` may lead an escape of an address byte, `\x31`; a
/// `-` after a digit may end a dashed quad's third group, `ip-192-0-2-77`). Other dashes (`- -`
/// of a log's empty fields) are passed over inside the search, at the cost of a test per hit.
#[inline(always)]
pub fn find_separator(line: &[u8], mut i: usize) -> Option<usize> {
    let keep = |k: usize| line[k] != b'-' || (k > 0 && line[k - 1].is_ascii_digit());
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if line.len() >= 16 {
        while i + 16 <= line.len() {
            let mut bits = block_hits(line, i, &separator_hits);
            while bits != 0 {
                let k = i + bits.trailing_zeros() as usize;
                if keep(k) {
                    return Some(k);
                }
                bits &= bits - 1;
            }
            i += 16;
        }
        if i >= line.len() {
            return None;
        }
        let last = line.len() - 16;
        let mut bits = block_hits(line, last, &separator_hits) & (u32::MAX << (i - last));
        while bits != 0 {
            let k = last + bits.trailing_zeros() as usize;
            if keep(k) {
                return Some(k);
            }
            bits &= bits - 1;
        }
        return None;
    }
    let mut from = i;
    while let Some(k) = find_separator_swar(line, from) {
        if keep(k) {
            return Some(k);
        }
        from = k + 1;
    }
    None
}

/// The first position at or after `i` where `hits` marks a byte of `line` (at least 16 bytes
/// long), 16 bytes at a time; the last block is the line's final 16 bytes, overlapping bytes
/// already looked at, which are masked off (no word-at-a-time or byte-at-a-time tail).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn find_sse2(
    line: &[u8],
    mut i: usize,
    hits: impl Fn(safe_arch::m128i) -> safe_arch::m128i,
) -> Option<usize> {
    while i + 16 <= line.len() {
        let bits = block_hits(line, i, &hits);
        if bits != 0 {
            return Some(i + bits.trailing_zeros() as usize);
        }
        i += 16;
    }
    if i >= line.len() {
        return None;
    }
    let last = line.len() - 16;
    let bits = block_hits(line, last, &hits) >> (i - last);
    (bits != 0).then(|| i + bits.trailing_zeros() as usize)
}

/// A bit per byte of `line[at..at + 16]` that `hits` marks.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn block_hits(line: &[u8], at: usize, hits: &impl Fn(safe_arch::m128i) -> safe_arch::m128i) -> u32 {
    use safe_arch::{m128i, move_mask_i8_m128i};
    let v = m128i::from(<[u8; 16]>::try_from(&line[at..at + 16]).expect("16 bytes"));
    move_mask_i8_m128i(hits(v)) as u32
}

/// Position of the first byte at or after `i` that ends a run of a JSON string's plain bytes:
/// `"`, `\\` or a control byte (below 0x20).
#[inline(always)]
pub fn find_json_stop(s: &[u8], i: usize) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, m128i, max_u8_m128i, set_splat_i8_m128i,
        };
        let (quote, backslash, below) = (
            set_splat_i8_m128i(b'"' as i8),
            set_splat_i8_m128i(b'\\' as i8),
            set_splat_i8_m128i(0x1f),
        );
        let hits = |v: m128i| {
            bitor_m128i(
                bitor_m128i(
                    cmp_eq_mask_i8_m128i(v, quote),
                    cmp_eq_mask_i8_m128i(v, backslash),
                ),
                // max(v, 0x1f) == 0x1f exactly when v <= 0x1f (unsigned).
                cmp_eq_mask_i8_m128i(max_u8_m128i(v, below), below),
            )
        };
        if s.len() >= 16 {
            return find_sse2(s, i, hits);
        }
    }
    (i..s.len()).find(|&k| matches!(s[k], b'"' | b'\\' | 0..=0x1f))
}

/// [`find_separator`] a word at a time.
#[inline(always)]
fn find_separator_swar(line: &[u8], mut i: usize) -> Option<usize> {
    while i + 8 <= line.len() {
        let w = word(line, i);
        let m = zero_bytes(w ^ (LO * b'.' as u64))
            | zero_bytes(w ^ (LO * b':' as u64))
            | zero_bytes(w ^ (LO * b'%' as u64))
            | zero_bytes(w ^ (LO * b'\\' as u64))
            | zero_bytes(w ^ (LO * b'-' as u64));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..line.len()).find(|&k| matches!(line[k], b'.' | b':' | b'%' | b'\\' | b'-'))
}

/// How many ASCII digits `s` has from `i` on, before its first other byte (0 when `i` is at or
/// past the end); eight bytes at a time.
#[inline(always)]
pub fn digits_from(s: &[u8], i: usize) -> usize {
    const F0: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    let mut k = i;
    while k + 8 <= s.len() {
        let w = word(s, k);
        // A digit is 0x30..=0x39: high nibble 3, and still 3 after adding 6. Each byte of `v`
        // is zero exactly for a digit, up to the first other byte (a carry out of a byte of
        // 0xFA or more, itself not a digit, can only spoil the bytes after it).
        let v = ((w & F0) ^ THREES) | ((w.wrapping_add(LO * 6) & F0) ^ THREES);
        if v != 0 {
            return k - i + (v.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    while k < s.len() && s[k].is_ascii_digit() {
        k += 1;
    }
    k.max(i) - i
}

/// The first `b` in `hay` (a field's delimiter).
#[inline(always)]
pub fn find_byte(b: u8, hay: &[u8]) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{cmp_eq_mask_i8_m128i, set_splat_i8_m128i};
        let want = set_splat_i8_m128i(b as i8);
        if hay.len() >= 16 {
            return find_sse2(hay, 0, |v| cmp_eq_mask_i8_m128i(v, want));
        }
    }
    find_byte_swar(b, hay, 0)
}

/// Splits `s` at every `sep` into `out` as (start, end) spans and returns how many; `None` when
/// `s` has more fields than `out` holds. One inline search per field ([`find_byte`]): a `memchr`
/// iterator's set-up cost, paid per field, was most of the time of parsing a tab-separated line.
#[inline]
pub fn split_into(s: &[u8], sep: u8, out: &mut [(usize, usize)]) -> Option<usize> {
    let mut n = 0;
    let mut start = 0;
    loop {
        let end = find_byte(sep, &s[start..]).map_or(s.len(), |k| start + k);
        *out.get_mut(n)? = (start, end);
        n += 1;
        if end == s.len() {
            return Some(n);
        }
        start = end + 1;
    }
}

/// `a == b`, without a call to `memcmp`: for the short texts of memos and hot label sets
/// (statistics' labels, clients and names; rules' query names), where the call was a tenth of
/// comparing.
#[inline]
pub fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
    let pair = |s: &[u8], i: usize| u16::from_le_bytes(s[i..i + 2].try_into().expect("2 bytes"));
    match n {
        0 => true,
        1 => a[0] == b[0],
        2..4 => pair(a, 0) == pair(b, 0) && pair(a, n - 2) == pair(b, n - 2),
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        17..=32 => {
            word(a, 0) == word(b, 0)
                && word(a, 8) == word(b, 8)
                && word(a, n - 16) == word(b, n - 16)
                && word(a, n - 8) == word(b, n - 8)
        }
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word(a, i) != word(b, i) {
                    return false;
                }
                i += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

/// Mixes `bytes` into `h` a little-endian word at a time (the last word zero-padded): the
/// multiply-rotate step of the in-memory hashes (map keys, visitors, pages). Whole words are read
/// without a `memcpy` call per word, which a 120-byte user agent paid fifteen times.
#[inline]
pub fn mix_words(mut h: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = mix(h, u64::from_le_bytes(w.try_into().expect("8 bytes")));
    }
    if !words.remainder().is_empty() {
        h = mix(h, tail_word(bytes));
    }
    h
}

/// The bytes of `bytes` after its last whole word (1 to 7 of them), little-endian and
/// zero-padded as one word: read by overlapping loads, not a byte at a time (a 7-byte tail was
/// ~28 instructions, paid by every hashed label, page and name).
#[inline(always)]
fn tail_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let rest = n % 8;
    debug_assert!(rest > 0);
    if n >= 8 {
        // The last word, with the bytes it shares with the whole words before shifted out.
        return word(bytes, n - 8) >> (8 * (8 - rest));
    }
    let half = |i: usize| {
        u64::from(u32::from_le_bytes(
            bytes[i..i + 4].try_into().expect("4 bytes"),
        ))
    };
    if n >= 4 {
        // Two overlapping halves; the bytes in both are the same, so OR-ing them is exact.
        return half(0) | half(n - 4) << (8 * (n - 4));
    }
    // 1 to 3 bytes: the first, the middle and the last (some of them the same byte).
    u64::from(bytes[0])
        | u64::from(bytes[n / 2]) << (8 * (n / 2))
        | u64::from(bytes[n - 1]) << (8 * (n - 1))
}

/// A 64-bit fingerprint of `bytes` under `seed`, for memos that know a text by its hash
/// alone. Each word is folded in by a 64x64 -> 128-bit product whose halves are XORed, so every
/// bit of it reaches every bit of the state: [`mix_words`]' products carry bits only upward,
/// and texts that differ in a few bits of two words (`client-9977` and `client-1277`) collide
/// there often.
#[inline]
pub fn fingerprint(seed: u64, bytes: &[u8]) -> u64 {
    const P0: u64 = 0xa076_1d64_78bd_642f;
    const P1: u64 = 0xe703_7ed1_a0b4_28db;
    let fold = |a: u64, b: u64| {
        let p = u128::from(a) * u128::from(b);
        (p as u64) ^ ((p >> 64) as u64)
    };
    let mut h = fold(seed ^ P0, (bytes.len() as u64) ^ P1);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = fold(h ^ u64::from_le_bytes(w.try_into().expect("8 bytes")), P1);
    }
    if !words.remainder().is_empty() {
        h = fold(h ^ tail_word(bytes), P1);
    }
    h
}

/// One step of [`mix_words`].
#[inline(always)]
pub fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The first `://` in `v` (a URL's scheme separator), found from each `:` rather than with a
/// substring searcher built per call.
#[inline]
pub fn find_scheme_sep(v: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b':', v).find(|&k| v[k + 1..].starts_with(b"//"))
}

/// [`find_byte`] a word at a time, from `i`.
#[inline(always)]
fn find_byte_swar(b: u8, hay: &[u8], mut i: usize) -> Option<usize> {
    let pat = LO * b as u64;
    while i + 8 <= hay.len() {
        let m = zero_bytes(word(hay, i) ^ pat);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay[i..].iter().position(|&c| c == b).map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tail read by overlapping loads is the tail's bytes as one zero-padded word, for every
    /// length and every place of the bytes (the hashes' values are those of the byte loop).
    #[test]
    fn tail_word_is_the_tail_zero_padded() {
        let text: Vec<u8> = (1..=40u8).map(|b| b.wrapping_mul(37)).collect();
        for a in 0..8 {
            for n in 1..=31 {
                let s = &text[a..a + n];
                if n % 8 == 0 {
                    continue;
                }
                let mut want = 0u64;
                for (k, &b) in s[n - n % 8..].iter().enumerate() {
                    want |= u64::from(b) << (8 * k);
                }
                assert_eq!(tail_word(s), want, "{a} {n}");
            }
        }
    }

    /// Texts that differ a little, as clients' do, get fingerprints of their own.
    #[test]
    fn fingerprints_of_similar_texts_differ() {
        let mut seen = std::collections::HashSet::new();
        for seed in [0, 0x1234_5678_9abc_def0] {
            seen.clear();
            for k in 0..100_000u32 {
                for t in [
                    format!("client-{k}.example"),
                    format!("192.0.{}.{}", k / 256 % 256, k % 256),
                    format!("2001:db8:{:x}::{:x}", k / 7, k),
                    format!("198.51.{}.{}#53", k % 256, k / 256),
                ] {
                    seen.insert((t.clone(), fingerprint(seed, t.as_bytes())));
                }
            }
            let texts = seen.len();
            let prints: std::collections::HashSet<u64> = seen.iter().map(|x| x.1).collect();
            assert_eq!(prints.len(), texts, "seed {seed:x}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time test answers as a byte-at-a-time one, for any bytes.
        #[test]
        fn digit_colon_percent_as_bytewise(
            text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            at in 0usize..40,
            b in proptest::sample::select(b"0123456789:%/.;$&/ ".to_vec()),
        ) {
            let mut text = text;
            if at < text.len() {
                text[at] = b;
            }
            let bytewise = text.iter().any(|&c| c.is_ascii_digit() || c == b':' || c == b'%');
            proptest::prop_assert_eq!(has_digit_colon_percent(&text), bytewise);
        }
    }

    #[test]
    fn digit_colon_percent_each_byte() {
        for c in 0..=255u8 {
            for n in 1..20 {
                for at in 0..n {
                    let mut text = vec![b'a'; n];
                    text[at] = c;
                    let want = c.is_ascii_digit() || c == b':' || c == b'%';
                    assert_eq!(
                        has_digit_colon_percent(&text),
                        want,
                        "{c:#x} at {at} of {n}"
                    );
                }
            }
        }
    }

    /// Word mixing reads a tail as the zero-padded word it was before (hash values unchanged).
    #[test]
    fn mix_words_pads_the_last_word() {
        let padded = |b: &[u8]| {
            let mut h = 7;
            for c in b.chunks(8) {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                h = mix(h, u64::from_le_bytes(w));
            }
            h
        };
        for n in 0..40 {
            let b: Vec<u8> = (0..n as u8).map(|k| k.wrapping_mul(37) ^ 0xa5).collect();
            assert_eq!(mix_words(7, &b), padded(&b), "{n} bytes");
        }
    }

    #[test]
    fn scheme_separators() {
        for (v, at) in [
            ("http://a/b", Some(4)),
            ("a:b://c", Some(3)),
            ("x:/y", None),
            ("::://", Some(2)),
            ("", None),
            ("no", None),
            ("p:", None),
        ] {
            assert_eq!(find_scheme_sep(v.as_bytes()), at, "{v}");
            assert_eq!(
                find_scheme_sep(v.as_bytes()),
                memchr::memmem::find(v.as_bytes(), b"://"),
                "{v}"
            );
        }
    }

    proptest::proptest! {
        /// `same` is `==`, at every length it compares by words (and one byte apart anywhere).
        #[test]
        fn same_is_equality(
            a in proptest::collection::vec(0u8..3, 0..130),
            flip in proptest::option::of(0usize..130),
        ) {
            let mut b = a.clone();
            if let Some(k) = flip.filter(|&k| k < b.len()) {
                b[k] ^= 1;
            }
            proptest::prop_assert_eq!(same(&a, &b), a == b);
            proptest::prop_assert!(!same(&a, &a[..a.len().saturating_sub(1)]) || a.is_empty());
        }

        /// Every search (SSE2 and SWAR) finds what a plain search finds, from any start.
        #[test]
        fn searches_agree_with_a_plain_search(
            hay in proptest::collection::vec(
                proptest::sample::select(b".:%/;$a0-\"]\x01\x21\xa2\xff09\xfa\xfb\xfe@5\\\x1f\x20".to_vec()), 0..80),
            from in 0usize..80,
            b in proptest::sample::select(b"\" ]".to_vec()),
        ) {
            let from = from.min(hay.len());
            let plain = (from..hay.len()).find(|&k| matches!(hay[k], b'.' | b':' | b'%' | b'\\' | b'-'));
            proptest::prop_assert_eq!(find_separator_swar(&hay, from), plain);
            let kept = (from..hay.len()).find(|&k| matches!(hay[k], b'.' | b':' | b'%' | b'\\')
                || (hay[k] == b'-' && k > 0 && hay[k - 1].is_ascii_digit()));
            proptest::prop_assert_eq!(find_separator(&hay, from), kept);
            let plain_stop = (from..hay.len()).find(|&k| matches!(hay[k], b'"' | b'\\' | 0..=0x1f));
            proptest::prop_assert_eq!(find_json_stop(&hay, from), plain_stop);
            let plain_digits = hay.get(from..).map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count());
            proptest::prop_assert_eq!(digits_from(&hay, from), plain_digits);
            let mut spans = [(0usize, 0usize); 81];
            let n = split_into(&hay, b, &mut spans).unwrap();
            let parts: Vec<&[u8]> = spans[..n].iter().map(|&(a, e)| &hay[a..e]).collect();
            let want: Vec<&[u8]> = hay.split(|&c| c == b).collect();
            proptest::prop_assert_eq!(parts, want);
            let plain = hay.iter().position(|&c| c == b);
            proptest::prop_assert_eq!(find_byte(b, &hay), plain);
            proptest::prop_assert_eq!(find_byte_swar(b, &hay, 0), plain);
        }
    }
}
