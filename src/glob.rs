//! Shell-style globs on byte strings: `*` (any run) and `?` (one byte), and for file names
//! `[...]` classes. Shared by rule files (parameter names, case-insensitive, where `[` is a
//! literal: PHP writes `user[email]=`) and retention (file names, case-sensitive).

/// True when `name` matches `pattern` (`*`, `?`; `[` is a literal); ASCII case is ignored when
/// `fold_case`. For rule files' parameter names.
pub fn matches(pattern: &[u8], name: &[u8], fold_case: bool) -> bool {
    matches_as::<false>(pattern, name, fold_case)
}

/// True when the file name `name` matches `pattern`: `*`, `?` and classes as the shell has them
/// (`[0-9]`, `[!.]` or `[^.]`, a `]` first in a class is one of its bytes); case-sensitive.
/// As in the shell, a leading `.` is matched only by a `.` (`*` and `[!a]*` match no
/// dotfile: a review found `*` would delete `.htaccess` and a rotation's hidden files).
/// A pattern [`check_name`] refuses is never given here.
pub fn matches_name(pattern: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && pattern.first() != Some(&b'.') {
        return false;
    }
    matches_as::<true>(pattern, name, false)
}

/// Iterative, with one resume point (the last `*`): at most `pattern.len() × name.len()` steps
/// whatever the input. A recursive match tried every split at every `*`, exponential in the
/// number of stars, on parameter names taken from log lines.
fn matches_as<const CLASSES: bool>(pattern: &[u8], name: &[u8], fold_case: bool) -> bool {
    let same = |p: u8, c: u8| p == b'?' || p == c || (fold_case && p.eq_ignore_ascii_case(&c));
    let (mut p, mut n) = (0, 0);
    // After the last `*` seen: where the pattern goes on, and how much of the name it took.
    let mut resume: Option<(usize, usize)> = None;
    while n < name.len() {
        // One pattern item against `name[n]`: where the pattern goes on when it matches.
        let next = match pattern.get(p) {
            None | Some(b'*') => None,
            Some(b'[') if CLASSES => match class(pattern, p, name[n]) {
                Some((hit, after)) => hit.then_some(after),
                None => same(b'[', name[n]).then_some(p + 1), // unclosed: a literal `[`
            },
            Some(&c) => same(c, name[n]).then_some(p + 1),
        };
        if pattern.get(p) == Some(&b'*') {
            p += 1;
            resume = Some((p, n));
        } else if let Some(next) = next {
            p = next;
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

/// The class that starts at `pattern[p]` (a `[`): whether `c` is in it, and where the pattern
/// goes on after its `]`; `None` when no `]` closes it.
fn class(pattern: &[u8], p: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = p + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let first = i;
    let mut hit = false;
    loop {
        let b = *pattern.get(i)?;
        if b == b']' && i > first {
            return Some((hit != negate, i + 1));
        }
        match (pattern.get(i + 1), pattern.get(i + 2)) {
            (Some(b'-'), Some(&hi)) if hi != b']' => {
                hit |= (b..=hi).contains(&c);
                i += 3;
            }
            _ => {
                hit |= b == c;
                i += 1;
            }
        }
    }
}

/// Why the file-name glob `pattern` is refused, if it is: a `[` no `]` closes (`[[]` is a
/// literal `[`), or `{a,b}` alternatives, which a shell expands and this glob does not (a
/// pattern read as literal text would keep, or delete, nothing it was written for).
pub fn check_name(pattern: &[u8]) -> Result<(), String> {
    let mut p = 0;
    while p < pattern.len() {
        match pattern[p] {
            b'\\' => {
                return Err(format!(
                    "`\\` at byte {} escapes nothing here: write a class such as `[*]` for a \
                     literal `*`",
                    p + 1
                ));
            }
            b'[' => match class(pattern, p, 0) {
                Some((_, next)) => {
                    let body = &pattern[p + 1..next - 1];
                    if body
                        .windows(2)
                        .any(|w| w == b"[:" || w == b"[=" || w == b"[.")
                    {
                        return Err(format!(
                            "the class at byte {} holds a POSIX class such as [:digit:], which \
                             this glob does not know: write [0-9]",
                            p + 1
                        ));
                    }
                    if !body.is_ascii() {
                        return Err(format!(
                            "the class at byte {} holds a character beyond ASCII, which a class \
                             here (one byte) cannot match",
                            p + 1
                        ));
                    }
                    p = next;
                }
                None => {
                    return Err(format!(
                        "`[` at byte {} opens a class no `]` closes (write `[[]` for a `[`)",
                        p + 1
                    ));
                }
            },
            b'{' if pattern[p..].contains(&b'}') => {
                return Err(
                    "`{a,b}` alternatives are not expanded here: write one pattern for each".into(),
                );
            }
            _ => p += 1,
        }
    }
    Ok(())
}

/// True when the text has a wildcard.
pub fn is_pattern(s: &[u8]) -> bool {
    s.contains(&b'*') || s.contains(&b'?')
}

/// True when the file name text has a wildcard (a class too).
pub fn is_name_pattern(s: &[u8]) -> bool {
    is_pattern(s) || s.contains(&b'[')
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

    /// The recursive definition with classes: each class token of `tokens` is tried whole.
    fn reference_name(pattern: &[u8], name: &[u8]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some((b'*', rest)) => (0..=name.len()).any(|k| reference_name(rest, &name[k..])),
            Some((b'?', rest)) => !name.is_empty() && reference_name(rest, &name[1..]),
            Some((b'[', _)) => {
                let close = pattern[2..].iter().position(|&c| c == b']').map(|k| k + 2);
                match (close, name.split_first()) {
                    (Some(e), Some((&c, tail))) => {
                        let (neg, set) = match pattern[1] {
                            b'!' | b'^' => (true, &pattern[2..e]),
                            _ => (false, &pattern[1..e]),
                        };
                        (set.contains(&c) != neg) && reference_name(&pattern[e + 1..], tail)
                    }
                    (Some(_), None) => false,
                    (None, _) => unreachable!("the tokens close their classes"),
                }
            }
            Some((c, rest)) => name.first() == Some(c) && reference_name(rest, &name[1..]),
        }
    }

    /// Classes, against the recursive definition: every pattern of up to four tokens (a class
    /// among them) against every name of up to four letters.
    #[test]
    fn classes_agree_with_the_recursive_definition() {
        let tokens: [&[u8]; 6] = [b"a", b"*", b"?", b"[ab]", b"[!a]", b"[^b]"];
        for plen in 0..=4u32 {
            for pi in 0..6usize.pow(plen) {
                let pat: Vec<u8> = (0..plen)
                    .flat_map(|k| tokens[pi / 6usize.pow(k) % 6].iter().copied())
                    .collect();
                for nlen in 0..=4u32 {
                    for ni in 0..3usize.pow(nlen) {
                        let name: Vec<u8> =
                            (0..nlen).map(|k| b"abc"[ni / 3usize.pow(k) % 3]).collect();
                        assert_eq!(
                            super::matches_name(&pat, &name),
                            reference_name(&pat, &name),
                            "{} {}",
                            String::from_utf8_lossy(&pat),
                            String::from_utf8_lossy(&name)
                        );
                    }
                }
            }
        }
    }

    /// Classes as the shell writes them, for file names (an adversarial review: a
    /// `keep-forever` of `access.log-2026[0-9][0-9]01` was literal text and kept nothing); a
    /// rule's parameter name keeps `[` literal (PHP's `user[email]`).
    #[test]
    fn file_name_classes() {
        use super::{check_name, matches_name};
        for (pat, name, want) in [
            ("access.log-2026[0-9][0-9]01", "access.log-20260101", true),
            ("access.log-2026[0-9][0-9]01", "access.log-2026a101", false),
            ("[!.]*", ".hidden", false),
            ("[!.]*", "x.log", true),
            // A leading dot only by a dot, as the shell has it.
            ("*", ".htaccess", false),
            ("[!a]*", ".x", false),
            ("?log", ".log", false),
            ("[.]log", ".log", false),
            (".*", ".htaccess", true),
            ("*", "x.log", true),
            ("[^.]*", "x.log", true),
            ("[]]", "]", true),
            ("[]a]", "a", true),
            ("[a-]", "-", true),
            ("[[]x", "[x", true),
            ("[a-c-e]", "-", true),
            ("x.[gz][zi]*", "x.gz", true),
            ("a[b", "a[b", true), // unclosed: refused by check_name, literal if matched
        ] {
            assert_eq!(
                matches_name(pat.as_bytes(), name.as_bytes()),
                want,
                "{pat} {name}"
            );
        }
        assert!(check_name(b"access.log-2026[0-9]*").is_ok());
        assert!(check_name(b"a[]]").is_ok());
        assert!(check_name(b"a[b").unwrap_err().contains("byte 2"));
        assert!(check_name(b"a[]").is_err());
        assert!(
            check_name(b"access.log.{1,2}")
                .unwrap_err()
                .contains("alternatives")
        );
        assert!(check_name(b"a{b").is_ok());
        // What the shell reads otherwise is refused, not matched differently (a review:
        // `[[:digit:]]` matched nothing, and prune planned to delete everything).
        assert!(
            check_name(b"a.log.[[:digit:]]")
                .unwrap_err()
                .contains("POSIX")
        );
        assert!(
            check_name("a.log.[é]".as_bytes())
                .unwrap_err()
                .contains("ASCII")
        );
        assert!(
            check_name(br"a.log.\*")
                .unwrap_err()
                .contains("escapes nothing")
        );
        assert!(matches(b"user[email]", b"USER[email]", true));
        assert!(!matches(b"user[email]", b"usere", true));
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
