//! Applying field actions: a field's value in, its replacement out.
//!
//! Each function writes the replacement into `out` and says whether the value changed. A value
//! the action cannot apply to (`referrer-site` on something that is no URL, `truncate-ip` on a
//! field without an address) is [`Inapplicable`]; the rule file's `on-error` decides what then
//! happens (default: the field is dropped). `-` and empty values are left alone by every action
//! except `drop` and `hash`: there is nothing in them to reduce.

use hmac::Mac;

use super::{Action, Glob, Reduce};
use crate::anonymize::{Anonymizer, Cache, LineCounts};

/// The action does not apply to this value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inapplicable;

/// Resources an action needs, prepared once per run.
#[derive(Clone)]
pub struct Env {
    /// HMAC key state for `hash`, if a key is configured.
    pub mac: Option<hmac::Hmac<sha2::Sha256>>,
}

/// What a field is, for actions that treat URLs, request lines and query strings differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `GET /path?q HTTP/1.1`.
    RequestLine,
    /// A query string without `?` (`a=1&b=2`).
    QueryString,
    /// A URL or path (`https://h/p?q`, `/p?q`).
    Url,
}

/// Applies `action` to `v`. Ok(true): `out` holds the replacement; Ok(false): unchanged.
/// `counts` adds the address literals `truncate-ip` rewrote or kept.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    action: &Action,
    v: &[u8],
    shape: Shape,
    env: &Env,
    field_anon: Option<&Anonymizer>,
    cache: &mut Cache,
    out: &mut Vec<u8>,
    counts: &mut LineCounts,
) -> Result<bool, Inapplicable> {
    let empty = v.is_empty() || v == b"-";
    match action {
        Action::Keep => Ok(false),
        Action::Drop => {
            out.extend_from_slice(drop_value(v));
            Ok(v != drop_value(v))
        }
        Action::Hash => {
            let Some(mac) = &env.mac else {
                return Err(Inapplicable);
            };
            let mut m = mac.clone();
            m.update(v);
            let d = m.finalize().into_bytes();
            crate::hex::push(out, &d[..8]);
            Ok(true)
        }
        _ if empty => Ok(false),
        Action::TruncateIp { .. } => {
            let a = field_anon.expect("truncate-ip rules carry their anonymizer");
            let c = a.rewrite_line(v, b' ', out, cache);
            if c.rewritten + c.kept == 0 && !has_address(v) {
                out.clear();
                return Err(Inapplicable);
            }
            counts.rewritten += c.rewritten;
            counts.kept += c.kept;
            Ok(c.rewritten > 0)
        }
        Action::StripQuery => Ok(strip_query(v, shape, out)),
        Action::RedactParams(globs) => Ok(redact_params(v, shape, globs, out)),
        Action::ReferrerSite => referrer_site(v, out),
        Action::UserAgentFamily => {
            super::ua::write_family(v, out);
            Ok(out.as_slice() != v)
        }
        Action::QnameReduce(r) => Ok(qname_reduce(v, *r, out)),
        Action::Replace { regex, with } => match regex.replace_all(v, with.as_slice()) {
            std::borrow::Cow::Borrowed(_) => Ok(false),
            std::borrow::Cow::Owned(o) => {
                out.extend_from_slice(&o);
                Ok(true)
            }
        },
        Action::Map(m) => match m.iter().find(|(from, _)| from.as_slice() == v) {
            Some((_, to)) => {
                out.extend_from_slice(to);
                Ok(true)
            }
            None => Ok(false),
        },
    }
}

/// What a dropped field becomes: `0` for a number (a port, an id: `ip:0` still parses where
/// `ip:-` would not), `-` for everything else.
pub fn drop_value(v: &[u8]) -> &'static [u8] {
    if !v.is_empty() && v.iter().all(u8::is_ascii_digit) {
        b"0"
    } else {
        b"-"
    }
}

fn has_address(v: &[u8]) -> bool {
    let mut any = false;
    crate::anonymize::scan::find_each(v, b' ', |_| any = true);
    any
}

/// Where the query string of `v` is (`?` excluded) for its shape, if it has one.
fn query_span(v: &[u8], shape: Shape) -> Option<(usize, usize)> {
    use crate::bytes::find_byte;
    match shape {
        Shape::QueryString => Some((0, v.len())),
        // Inline searches: these values are short, and a `memchr` call's set-up was most of the
        // cost of `strip-query`.
        Shape::Url => {
            let q = find_byte(b'?', v)?;
            let end = find_byte(b'#', &v[q..]).map_or(v.len(), |k| q + k);
            Some((q + 1, end))
        }
        Shape::RequestLine => {
            // The target is the second word.
            let s = find_byte(b' ', v)? + 1;
            let e = find_byte(b' ', &v[s..]).map_or(v.len(), |k| s + k);
            let q = s + find_byte(b'?', &v[s..e])?;
            let end = find_byte(b'#', &v[q..e]).map_or(e, |k| q + k);
            Some((q + 1, end))
        }
    }
}

fn strip_query(v: &[u8], shape: Shape, out: &mut Vec<u8>) -> bool {
    let Some((a, b)) = query_span(v, shape) else {
        return false;
    };
    if shape == Shape::QueryString {
        out.push(b'-');
        return true;
    }
    out.extend_from_slice(&v[..a - 1]);
    out.extend_from_slice(&v[b..]);
    true
}

fn redact_params(v: &[u8], shape: Shape, globs: &[Glob], out: &mut Vec<u8>) -> bool {
    let Some((a, b)) = query_span(v, shape) else {
        return false;
    };
    // Most queries name no parameter to redact: told without writing anything (the copy of the
    // request, per line, was most of this action's cost).
    let named = |param: &[u8]| {
        crate::bytes::find_byte(b'=', param)
            .filter(|&eq| eq + 1 < param.len() && globs.iter().any(|g| g.matches(&param[..eq])))
    };
    let q = &v[a..b];
    let mut start = 0;
    let any = loop {
        // Parameters found by the inline search, not a byte-at-a-time split.
        let (end, sep) = next_param_sep(q, start);
        if named(&q[start..end]).is_some() {
            break true;
        }
        if end == q.len() {
            break false;
        }
        start = end + sep;
    };
    if !any {
        return false;
    }
    let mut changed = false;
    out.extend_from_slice(&v[..a]);
    let mut start = 0;
    loop {
        let (end, sep) = next_param_sep(q, start);
        let param = &q[start..end];
        match crate::bytes::find_byte(b'=', param) {
            Some(eq) if globs.iter().any(|g| g.matches(&param[..eq])) => {
                out.extend_from_slice(&param[..=eq]);
                changed |= eq + 1 < param.len();
            }
            _ => out.extend_from_slice(param),
        }
        out.extend_from_slice(&q[end..end + sep]);
        if end == q.len() {
            break;
        }
        start = end + sep;
    }
    out.extend_from_slice(&v[b..]);
    changed
}

/// Where the query parameter that starts at `start` ends in `q`, and the length of the
/// separator after it (0 at the end): `&`, or `\u0026` as a JSON value may write it (Go's
/// encoder does, so Traefik's and other Go servers' JSON logs hid every parameter after the
/// first from `redact-params`).
#[inline]
fn next_param_sep(q: &[u8], start: usize) -> (usize, usize) {
    use crate::bytes::find_byte;
    let amp = find_byte(b'&', &q[start..]).map_or(q.len(), |k| start + k);
    let mut i = start;
    while let Some(k) = find_byte(b'\\', &q[i..amp]) {
        let at = i + k;
        if q.get(at + 1..at + 6)
            .is_some_and(|e| e.eq_ignore_ascii_case(b"u0026"))
        {
            return (at, 6);
        }
        i = at + 1;
    }
    (amp, usize::from(amp < q.len()))
}

fn referrer_site(v: &[u8], out: &mut Vec<u8>) -> Result<bool, Inapplicable> {
    // Credentials in the authority (`user:pass@host`) are dropped too.
    let (host_start, host) = crate::format::url_host(v).ok_or(Inapplicable)?;
    out.extend_from_slice(&v[..host_start]);
    out.extend_from_slice(host);
    out.push(b'/');
    Ok(out.as_slice() != v)
}

/// The length of `name`'s registered domain (`domain`) or public suffix, as the public-suffix
/// list says; kept per name on each thread (direct mapped, 2^12 slots of one cache line, the name
/// in the slot), as a resolver's log repeats its names and the list's lookup was a third of
/// `qname-reduce`'s cost. The name is in the slot, not on the heap: no allocation per new name
/// (most names of a busy resolver are seen once) and no pointer to follow; names longer than a
/// slot holds are looked up each time.
fn suffix_len(name: &[u8], domain: bool) -> Option<usize> {
    thread_local! {
        static MEMO: std::cell::RefCell<Vec<SuffixSlot>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    const BITS: u32 = 12;
    let lookup = || {
        if domain {
            psl::domain(name).map(|d| d.as_bytes().len())
        } else {
            psl::suffix(name).map(|d| d.as_bytes().len())
        }
    };
    if name.is_empty() || name.len() > SUFFIX_TEXT {
        return lookup();
    }
    MEMO.with_borrow_mut(|m| {
        if m.is_empty() {
            m.resize(1 << BITS, SuffixSlot::default());
        }
        let h = crate::bytes::mix_words(name.len() as u64 ^ u64::from(domain), name);
        let e = &mut m[(h >> (64 - BITS)) as usize];
        let len = usize::from(e.len);
        if len != name.len() || e.domain != domain || !crate::bytes::same(&e.text[..len], name) {
            e.keep = lookup().map_or(NO_SUFFIX, |k| k as u8);
            e.text[..name.len()].copy_from_slice(name);
            e.len = name.len() as u8;
            e.domain = domain;
        }
        (e.keep != NO_SUFFIX).then_some(usize::from(e.keep))
    })
}

/// The longest name [`suffix_len`] keeps: a slot is one cache line.
const SUFFIX_TEXT: usize = 61;

/// [`SuffixSlot::keep`] when the list knows no suffix (a length never reaches it).
const NO_SUFFIX: u8 = u8::MAX;

/// A slot of [`suffix_len`]'s memo: a name, which question was asked, and the answer.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct SuffixSlot {
    /// The name's length; 0: empty (an empty name is never kept).
    len: u8,
    domain: bool,
    /// The answer's length, or [`NO_SUFFIX`].
    keep: u8,
    text: [u8; SUFFIX_TEXT],
}

impl Default for SuffixSlot {
    fn default() -> Self {
        SuffixSlot {
            len: 0,
            domain: false,
            keep: NO_SUFFIX,
            text: [0; SUFFIX_TEXT],
        }
    }
}

fn qname_reduce(v: &[u8], r: Reduce, out: &mut Vec<u8>) -> bool {
    let dot = v.ends_with(b".");
    let name = if dot { &v[..v.len() - 1] } else { v };
    let keep = match r {
        Reduce::RegisteredDomain => suffix_len(name, true),
        Reduce::Tld => suffix_len(name, false),
        Reduce::Labels(n) => {
            let mut dots = 0;
            let mut start = 0;
            for (k, &b) in name.iter().enumerate().rev() {
                if b == b'.' {
                    dots += 1;
                    if dots == n as usize {
                        start = k + 1;
                        break;
                    }
                }
            }
            Some(name.len() - start)
        }
    };
    let Some(keep) = keep.filter(|&k| k < name.len()) else {
        return false;
    };
    out.extend_from_slice(&name[name.len() - keep..]);
    if dot {
        out.push(b'.');
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::{Key, Scheme};

    fn run(action: &Action, v: &str, shape: Shape) -> Result<Option<String>, Inapplicable> {
        let env = Env {
            mac: Some(
                <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(
                    Key::from_bytes([1; 32]).bytes(),
                )
                .unwrap(),
            ),
        };
        let fa = Anonymizer::new(Scheme::Truncate, 16, 32, vec![]);
        let mut out = Vec::new();
        let changed = apply(
            action,
            v.as_bytes(),
            shape,
            &env,
            Some(&fa),
            &mut Cache::default(),
            &mut out,
            &mut LineCounts::default(),
        )?;
        Ok(changed.then(|| String::from_utf8(out).unwrap()))
    }

    fn g(names: &[&str]) -> Vec<Glob> {
        names.iter().map(|n| Glob(n.as_bytes().to_vec())).collect()
    }

    /// The memo answers as the list: both questions about one name, a name too long for a
    /// slot, one the list knows no suffix of, and more names than slots (they evict each other).
    #[test]
    fn suffix_memo_answers_as_the_list() {
        let long = format!("{}.example.co.uk", "a".repeat(60));
        let mut names: Vec<String> = [
            "www.example.co.uk",
            "example.co.uk",
            "co.uk",
            "a.b.c.invalid",
            "x",
            &long,
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        names.extend((0..10_000).map(|i| format!("host{i}.example{}.org", i % 37)));
        for _ in 0..2 {
            for n in &names {
                let b = n.as_bytes();
                assert_eq!(
                    suffix_len(b, true),
                    psl::domain(b).map(|d| d.as_bytes().len()),
                    "{n}"
                );
                assert_eq!(
                    suffix_len(b, false),
                    psl::suffix(b).map(|d| d.as_bytes().len()),
                    "{n}"
                );
            }
        }
    }

    #[test]
    fn each_action() {
        use Shape::*;
        let s = |x: &str| Ok(Some(x.to_string()));
        assert_eq!(run(&Action::Drop, "alice", Url), s("-"));
        assert_eq!(run(&Action::Drop, "53142", Url), s("0"));
        assert_eq!(run(&Action::Keep, "alice", Url), Ok(None));
        assert_eq!(run(&Action::Hash, "alice", Url).unwrap().unwrap().len(), 16);
        assert_eq!(
            run(
                &Action::TruncateIp { v4: 16, v6: 32 },
                "203.0.113.9, 2001:db8:1::7",
                Url
            ),
            s("203.0.0.0, 2001:db8::")
        );
        assert_eq!(
            run(&Action::TruncateIp { v4: 16, v6: 32 }, "unknown", Url),
            Err(Inapplicable)
        );
        assert_eq!(
            run(
                &Action::StripQuery,
                "GET /a/b?email=x@example.com&p=2 HTTP/1.1",
                RequestLine
            ),
            s("GET /a/b HTTP/1.1")
        );
        assert_eq!(
            run(&Action::StripQuery, "https://h.example.org/p?q=1#frag", Url),
            s("https://h.example.org/p#frag")
        );
        assert_eq!(
            run(&Action::StripQuery, "GET /a HTTP/1.1", RequestLine),
            Ok(None)
        );
        assert_eq!(run(&Action::StripQuery, "a=1", QueryString), s("-"));
        let rp = Action::RedactParams(g(&["email", "session*", "dns"]));
        assert_eq!(
            run(
                &rp,
                "GET /q?email=a@example.com&page=2&session_id=XYZ HTTP/1.1",
                RequestLine
            ),
            s("GET /q?email=&page=2&session_id= HTTP/1.1")
        );
        assert_eq!(
            run(
                &rp,
                "/dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB",
                Url
            ),
            s("/dns-query?dns=")
        );
        assert_eq!(run(&rp, "page=2", QueryString), Ok(None));
        assert_eq!(run(&rp, "/p", Url), Ok(None));
        // A JSON value's `&` written `\u0026`, as Go's encoder writes it (Traefik): each
        // parameter is still one, its separator kept as written.
        assert_eq!(
            run(
                &rp,
                r"/q?page=2\u0026email=a@example.com\U0026x=1&session=9",
                Url
            ),
            s(r"/q?page=2\u0026email=\U0026x=1&session=")
        );
        assert_eq!(run(&rp, r"/q?page=2\u002", Url), Ok(None));
        assert_eq!(
            run(
                &Action::ReferrerSite,
                "https://user:pw@www.example.org:8443/search?q=me",
                Url
            ),
            s("https://www.example.org:8443/")
        );
        assert_eq!(
            run(&Action::ReferrerSite, "https://www.example.org/", Url),
            Ok(None)
        );
        assert_eq!(
            run(&Action::ReferrerSite, "android-app://com.example.app", Url),
            s("android-app://com.example.app/")
        );
        assert_eq!(
            run(&Action::ReferrerSite, "not a url", Url),
            Err(Inapplicable)
        );
        assert_eq!(run(&Action::ReferrerSite, "-", Url), Ok(None));
        assert_eq!(
            run(&Action::UserAgentFamily, "curl/8.5.0", Url),
            s("curl 8 (bot)")
        );
        assert_eq!(
            run(
                &Action::QnameReduce(Reduce::RegisteredDomain),
                "www.example.co.uk.",
                Url
            ),
            s("example.co.uk.")
        );
        assert_eq!(
            run(
                &Action::QnameReduce(Reduce::RegisteredDomain),
                "a.b.example.com",
                Url
            ),
            s("example.com")
        );
        assert_eq!(
            run(
                &Action::QnameReduce(Reduce::RegisteredDomain),
                "example.com",
                Url
            ),
            Ok(None)
        );
        assert_eq!(
            run(&Action::QnameReduce(Reduce::Tld), "www.example.co.uk", Url),
            s("co.uk")
        );
        assert_eq!(
            run(
                &Action::QnameReduce(Reduce::Labels(2)),
                "a.b.c.example.org.",
                Url
            ),
            s("example.org.")
        );
        let re = Action::Replace {
            regex: regex::bytes::Regex::new("/users/[0-9]+").unwrap(),
            with: b"/users/ID".to_vec(),
        };
        assert_eq!(run(&re, "/users/1234/edit", Url), s("/users/ID/edit"));
        assert_eq!(run(&re, "/about", Url), Ok(None));
        let map = Action::Map(vec![(b"404".to_vec(), b"4xx".to_vec())]);
        assert_eq!(run(&map, "404", Url), s("4xx"));
        assert_eq!(run(&map, "200", Url), Ok(None));
    }
}
