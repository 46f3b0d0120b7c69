//! Squid's native `access.log` (`logformat squid`, the default):
//!
//! ```text
//! %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
//! 1791640536.123    177 192.0.2.17 TCP_MISS/200 1527 GET http://www.example.com/a?b - HIER_DIRECT/198.51.100.10 text/html
//! ```
//! Fields are separated by one or more spaces (the elapsed time is padded to six columns). The
//! client is an address, or a host name with `log_fqdn on`; the URL is absolute, or `host:port`
//! for `CONNECT`; the user, the peer and the content type are `-` when there is none. Spec: Squid
//! wiki, "Features/LogFormat" (the `squid` format) and squid.conf(5) `logformat`.

use super::fields::{Fields, Std};

/// Parses one line of the native format; Err(column) where it stopped matching.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), usize> {
    let mut words = [(0usize, 0usize); 10];
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        i = crate::bytes::find_byte(b' ', &s[i..]).map_or(s.len(), |k| i + k);
        if n == words.len() {
            return Err(start); // more fields than the native format has
        }
        words[n] = (start, i);
        n += 1;
    }
    if n != words.len() {
        return Err(s.len());
    }
    let w = |k: usize| &s[words[k].0..words[k].1];
    // `1791640536.123`: seconds and milliseconds.
    let time = w(0);
    let dot = time.iter().position(|&b| b == b'.').ok_or(words[0].0)?;
    if dot == 0
        || !time[..dot].iter().all(u8::is_ascii_digit)
        || !time[dot + 1..].iter().all(u8::is_ascii_digit)
    {
        return Err(words[0].0);
    }
    if !w(1).iter().all(u8::is_ascii_digit) {
        return Err(words[1].0);
    }
    // `TCP_MISS/200`: the result code and the status.
    let code = w(3);
    let slash = code.iter().position(|&b| b == b'/').ok_or(words[3].0)?;
    let status = &code[slash + 1..];
    if slash == 0
        || status.len() != 3
        || !status.iter().all(u8::is_ascii_digit)
        || !code[..slash]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b == b'_')
    {
        return Err(words[3].0);
    }
    if !w(4).iter().all(u8::is_ascii_digit) {
        return Err(words[4].0);
    }
    if !w(5)
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b == b'_' || b == b'-')
    {
        return Err(words[5].0);
    }
    let peer = w(8);
    let peer_slash = peer.iter().position(|&b| b == b'/').ok_or(words[8].0)?;
    f.std(Std::Time, words[0].0, words[0].1);
    f.std(Std::Duration, words[1].0, words[1].1);
    f.std(Std::Client, words[2].0, words[2].1);
    f.std(Std::Status, words[3].0 + slash + 1, words[3].1);
    f.std(Std::Bytes, words[4].0, words[4].1);
    f.std(Std::Method, words[5].0, words[5].1);
    let (ua, ub) = words[6];
    let (pa, pb) = url_path(s, ua, ub);
    f.std(Std::Path, pa, pb);
    if pb < ub && s[pb] == b'?' {
        f.std(Std::Query, pb + 1, ub);
    }
    if w(7) != b"-" {
        f.std(Std::User, words[7].0, words[7].1);
    }
    if &peer[peer_slash + 1..] != b"-" {
        f.std(Std::Upstream, words[8].0 + peer_slash + 1, words[8].1);
    }
    Ok(())
}

/// The path of an absolute URL (`http://host/a?b` → `/a`), or the whole target when it has no
/// scheme (`host:443` of a CONNECT, `/a` of an intercepted request): up to its `?`.
fn url_path(s: &[u8], a: usize, b: usize) -> (usize, usize) {
    let u = &s[a..b];
    // `scheme://`: the first `:` followed by `//` (a searcher built per line for `://` cost more
    // than the rest of the line's parsing).
    let find = crate::bytes::find_byte;
    let start = match find(b':', u) {
        Some(k) if u[k + 1..].starts_with(b"//") => {
            find(b'/', &u[k + 3..]).map_or(u.len(), |j| k + 3 + j)
        }
        _ => 0,
    };
    let end = find(b'?', &u[start..]).map_or(u.len(), |q| start + q);
    (a + start, a + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(line: &'a str, f: &Fields, s: Std) -> Option<&'a str> {
        f.get(s).map(|(a, b)| &line[a..b])
    }

    #[test]
    fn native_lines() {
        for (line, client, status, path, upstream) in [
            (
                "1791640536.123    177 192.0.2.17 TCP_MISS/200 1527 GET http://www.example.com/a?b=1 - HIER_DIRECT/198.51.100.10 text/html",
                "192.0.2.17",
                "200",
                "/a",
                Some("198.51.100.10"),
            ),
            (
                "1791640537.001  60012 2001:db8::17 TCP_TUNNEL/200 5120 CONNECT www.example.com:443 alice HIER_DIRECT/2001:db8:1::5 -",
                "2001:db8::17",
                "200",
                "www.example.com:443",
                Some("2001:db8:1::5"),
            ),
            (
                "1791640538.500      0 192.0.2.18 TCP_DENIED/403 3891 GET http://blocked.example/ - HIER_NONE/- text/html",
                "192.0.2.18",
                "403",
                "/",
                None,
            ),
        ] {
            let mut f = Fields::default();
            parse(line.as_bytes(), &mut f).unwrap_or_else(|c| panic!("{line}: col {c}"));
            assert_eq!(get(line, &f, Std::Client), Some(client));
            assert_eq!(get(line, &f, Std::Status), Some(status));
            assert_eq!(get(line, &f, Std::Path), Some(path));
            assert_eq!(get(line, &f, Std::Upstream), upstream);
        }
        let mut f = Fields::default();
        for bad in [
            "",
            "192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5",
            "1791640536.123 177 192.0.2.17 TCP_MISS/200 1527 GET http://x/ - HIER_DIRECT/- text/html extra",
            "1791640536 177 192.0.2.17 TCP_MISS/200 1527 GET http://x/ - HIER_DIRECT/- text/html",
        ] {
            assert!(parse(bad.as_bytes(), &mut f).is_err(), "{bad}");
        }
    }
}
