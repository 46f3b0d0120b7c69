//! Shell-style globs on byte strings: `*` (any run) and `?` (one byte). Shared by rule files
//! (parameter names, case-insensitive) and retention (file names, case-sensitive).

/// True when `name` matches `pattern`; ASCII case is ignored when `fold_case`.
///
/// Iterative, with one resume point (the last `*`): at most `pattern.len() × name.len()` steps
/// whatever the input. A recursive match tried every split at every `*`, exponential in the
/// number of stars, on parameter names taken from log lines.
pub fn matches(pattern: &[u8], name: &[u8], fold_case: bool) -> bool {
    let same = |p: u8, c: u8| p == b'?' || p == c || (fold_case && p.eq_ignore_ascii_case(&c));
    let (mut p, mut n) = (0, 0);
    // After the last `*` seen: where the pattern goes on, and how much of the name it took.
    let mut resume: Option<(usize, usize)> = None;
    while n < name.len() {
        if pattern.get(p) == Some(&b'*') {
            p += 1;
            resume = Some((p, n));
        } else if p < pattern.len() && same(pattern[p], name[n]) {
            p += 1;
            n += 1;
        } else if let Some((rp, rn)) = resume {
            // The last `*` takes one more byte; nothing before it needs to change, since a
            // later star can take whatever an earlier one would have.
            p = rp;
            n = rn + 1;
            resume = Some((rp, rn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// True when the text has a wildcard.
pub fn is_pattern(s: &[u8]) -> bool {
    s.contains(&b'*') || s.contains(&b'?')
}

#[cfg(test)]
mod tests {
    use super::matches;

    /// The straightforward recursive definition, as the reference.
    fn reference(pattern: &[u8], name: &[u8]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some((b'*', rest)) => (0..=name.len()).any(|k| reference(rest, &name[k..])),
            Some((b'?', rest)) => !name.is_empty() && reference(rest, &name[1..]),
            Some((c, rest)) => name.first() == Some(c) && reference(rest, &name[1..]),
        }
    }

    #[test]
    fn agrees_with_the_recursive_definition() {
        let alphabet = [b'a', b'b', b'*', b'?'];
        let mut seen = 0;
        // Every pattern of up to 5 symbols against every name of up to 5 letters.
        for plen in 0..=5u32 {
            for pi in 0..4usize.pow(plen) {
                let pat: Vec<u8> = (0..plen)
                    .map(|k| alphabet[pi / 4usize.pow(k) % 4])
                    .collect();
                for nlen in 0..=5u32 {
                    for ni in 0..2usize.pow(nlen) {
                        let name: Vec<u8> = (0..nlen).map(|k| b"ab"[ni >> k & 1]).collect();
                        assert_eq!(matches(&pat, &name, false), reference(&pat, &name));
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 50_000);
        assert!(matches(b"TOKEN*", b"token_id", true));
        assert!(!matches(b"TOKEN*", b"token_id", false));
    }

    /// Many stars against a long name that almost matches: the recursive match took time
    /// exponential in the stars; this one is quadratic at worst.
    #[test]
    fn many_stars_are_cheap() {
        let name = vec![b'a'; 2000];
        assert!(!matches(b"*a*a*a*a*a*a*a*a*a*a*b", &name, false));
        assert!(matches(b"*a*a*a*a*a*a*a*a*a*a*", &name, false));
    }
}
