//! Shell-style globs on byte strings: `*` (any run) and `?` (one byte). Shared by rule files
//! (parameter names, case-insensitive) and retention (file names, case-sensitive).

/// True when `name` matches `pattern`; ASCII case is ignored when `fold_case`.
pub fn matches(pattern: &[u8], name: &[u8], fold_case: bool) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|k| matches(rest, &name[k..], fold_case)),
        Some((b'?', rest)) => !name.is_empty() && matches(rest, &name[1..], fold_case),
        Some((c, rest)) => {
            name.first().is_some_and(|x| {
                if fold_case {
                    x.eq_ignore_ascii_case(c)
                } else {
                    x == c
                }
            }) && matches(rest, &name[1..], fold_case)
        }
    }
}

/// True when the text has a wildcard.
pub fn is_pattern(s: &[u8]) -> bool {
    s.contains(&b'*') || s.contains(&b'?')
}
