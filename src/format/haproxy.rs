//! HAProxy's logs, as syslog stores them (`Feb  6 12:14:14 lb1 haproxy[14389]: …`) or as HAProxy
//! writes them itself (`log stdout format raw`):
//!
//! ```text
//! option httplog:  <client>:<port> [<accept date>] <frontend> <backend>/<server>
//!                  <Tq>/<Tw>/<Tc>/<Tr>/<Ta> <status> <bytes> <req cookie> <resp cookie>
//!                  <termination state> <act>/<fe>/<be>/<srv>/<retries> <srv q>/<be q>
//!                  [{captured request headers}] [{captured response headers}] "<request>"
//! option tcplog:   <client>:<port> [<accept date>] <frontend> <backend>/<server>
//!                  <Tw>/<Tc>/<Tt> <bytes> <termination state> <act>/<fe>/<be>/<srv>/<retries>
//!                  <srv q>/<be q>
//! ```
//! An httplog line is a request; a tcplog line a connection (counted as a request without a
//! method or status). HAProxy's own lines (`Proxy www started.`, `Server be/s1 is DOWN, …`,
//! `Connect from …`) are server lines. Captured headers (`{www.example.com|Mozilla/5.0}`) depend
//! on the configuration, so they are not read as fields; their addresses are rewritten by the line
//! scan like everywhere. Spec: HAProxy configuration manual, section 8.2 "Log formats".

use super::dns::cursor::{Cur, client_port};
use super::dns::wrapper;
use super::fields::{Fields, Std};

/// Parses one line; Err(column) where it stopped matching.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), usize> {
    let direct = match message(s, 0, f) {
        Ok(()) => return Ok(()),
        Err(col) => col,
    };
    let Some(u) = wrapper::unwrap(s) else {
        return Err(direct);
    };
    f.clear();
    let program = wrapper::program(s, &u);
    match message(s, u.inner.0, f) {
        Ok(()) => {}
        // HAProxy's own line: a server line, when the syslog tag says it is HAProxy's.
        Err(_) if program == Some(b"haproxy") => {
            f.clear();
            f.std(Std::Message, u.inner.0, u.inner.1);
        }
        Err(col) => return Err(col),
    }
    if f.get(Std::Time).is_none()
        && let Some((a, b)) = u.time
    {
        f.std(Std::Time, a, b);
    }
    Ok(())
}

/// A request or connection line from `at` to the end of `s`.
fn message(s: &[u8], at: usize, f: &mut Fields) -> Result<(), usize> {
    let mut c = Cur::new(s, at);
    let (a, b) = c.word_sp()?;
    client_port(s, a, b, b':', f)?;
    c.lit(b"[")?;
    let (ta, tb) = c.until(b']')?;
    // `06/Feb/2009:12:14:14.655`
    if tb - ta < 20 || s[ta + 2] != b'/' || s[ta + 6] != b'/' {
        return Err(ta);
    }
    f.std(Std::Time, ta, tb);
    c.lit(b"] ")?;
    c.word_sp()?; // frontend
    let (ba, bb) = c.word_sp()?; // backend/server
    if !s[ba..bb].contains(&b'/') {
        return Err(ba);
    }
    f.std(Std::Upstream, ba, bb);
    let (ma, mb) = c.word_sp()?; // timers
    let timers = &s[ma..mb];
    let parts = timers.split(|&b| b == b'/').count();
    if !timers
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'/' || *b == b'-' || *b == b'+')
    {
        return Err(ma);
    }
    let total = ma + memchr::memrchr(b'/', timers).map_or(0, |k| k + 1);
    let total = (total, mb);
    match parts {
        // httplog
        5 => {
            let (sa, sb) = c.word_sp()?;
            if sb - sa != 3 || !s[sa..sb].iter().all(u8::is_ascii_digit) {
                return Err(sa);
            }
            f.std(Std::Status, sa, sb);
            let (ya, yb) = c.word_sp()?;
            if !s[ya..yb].iter().all(|b| b.is_ascii_digit() || *b == b'+') {
                return Err(ya);
            }
            f.std(Std::Bytes, ya, yb);
            for _ in 0..5 {
                c.word_sp()?; // cookies, termination state, connections, queues
            }
            // Captured headers, then the quoted request (which may be cut short: `<BADREQ>`).
            while s.get(c.i) == Some(&b'{') {
                let close = memchr::memchr(b'}', &s[c.i..]).ok_or(c.i)? + c.i;
                c.i = close + 1;
                c.lit(b" ")?;
            }
            c.lit(b"\"")?;
            let ra = c.i;
            let rb = if s.last() == Some(&b'"') && s.len() > ra {
                s.len() - 1
            } else {
                s.len()
            };
            f.std(Std::Request, ra, rb);
        }
        // tcplog
        3 => {
            let (ya, yb) = c.word_sp()?;
            if !s[ya..yb].iter().all(|b| b.is_ascii_digit() || *b == b'+') {
                return Err(ya);
            }
            f.std(Std::Bytes, ya, yb);
        }
        _ => return Err(ma),
    }
    if s[total.0..total.1].iter().all(u8::is_ascii_digit) {
        f.std(Std::Duration, total.0, total.1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(line: &'a str, f: &Fields, s: Std) -> Option<&'a str> {
        f.get(s).map(|(a, b)| &line[a..b])
    }

    #[test]
    fn httplog_tcplog_and_server_lines() {
        let http = "Feb  6 12:14:14 lb1 haproxy[14389]: 192.0.2.17:33317 [06/Feb/2026:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {www.example.com|Mozilla/5.0} {} \"GET /index.html HTTP/1.1\"";
        let mut f = Fields::default();
        parse(http.as_bytes(), &mut f).unwrap();
        for (s, want) in [
            (Std::Client, "192.0.2.17"),
            (Std::ClientPort, "33317"),
            (Std::Time, "06/Feb/2026:12:14:14.655"),
            (Std::Upstream, "static/srv1"),
            (Std::Status, "200"),
            (Std::Bytes, "2750"),
            (Std::Duration, "109"),
            (Std::Request, "GET /index.html HTTP/1.1"),
        ] {
            assert_eq!(get(http, &f, s), Some(want), "{s:?}");
        }
        // Raw (no syslog), IPv6, no captures, a request cut short.
        let raw = "[2001:db8::17]:40000 [06/Feb/2026:12:14:15.001] http-in app/web2 0/0/1/-1/2 502 204 - - SH-- 3/3/0/0/0 0/0 \"GET /api?x=1 HTT";
        let mut f = Fields::default();
        parse(raw.as_bytes(), &mut f).unwrap();
        assert_eq!(get(raw, &f, Std::Client), Some("2001:db8::17"));
        assert_eq!(get(raw, &f, Std::Request), Some("GET /api?x=1 HTT"));
        assert_eq!(get(raw, &f, Std::Duration), Some("2"));
        let tcp = "Feb  6 12:12:56 lb1 haproxy[14387]: 198.51.100.7:33313 [06/Feb/2026:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0";
        let mut f = Fields::default();
        parse(tcp.as_bytes(), &mut f).unwrap();
        assert_eq!(get(tcp, &f, Std::Bytes), Some("212"));
        assert_eq!(get(tcp, &f, Std::Status), None);
        assert_eq!(get(tcp, &f, Std::Duration), Some("5007"));
        for own in [
            "Feb  6 12:10:01 lb1 haproxy[14380]: Proxy http-in started.",
            "Feb  6 12:20:01 lb1 haproxy[14380]: Server static/srv1 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 0 active and 0 backup servers left.",
            "Feb  6 12:20:02 lb1 haproxy[14380]: Connect from 192.0.2.17:33313 to 203.0.113.31:8012 (www/HTTP)",
        ] {
            let mut f = Fields::default();
            parse(own.as_bytes(), &mut f).unwrap();
            assert!(f.has(Std::Message), "{own}");
            assert!(f.get(Std::Time).is_some(), "{own}");
        }
        for bad in [
            "",
            "Feb  6 12:10:01 lb1 nginx[1]: Proxy http-in started.",
            "192.0.2.17 - - [06/Feb/2026:12:14:14 +0000] \"GET / HTTP/1.1\" 200 5",
            "192.0.2.17:33317 [06/Feb/2026:12:14:14.655] http-in static 10/0/30/69/109 200 2750",
        ] {
            assert!(
                parse(bad.as_bytes(), &mut Fields::default()).is_err(),
                "{bad}"
            );
        }
    }
}
