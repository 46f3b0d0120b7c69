//! Wrappers that log collectors put around a server's own line, recognised and skipped so the
//! server's format can be matched inside; the wrapper itself stays byte-identical in the output.
//!
//! * RFC 3164 syslog: `Oct 10 13:55:36 ns1 named[1234]: `, with `<PRI>` in front as relays
//!   store it (`<30>Apr 14 16:16:05 10.50.1.227 named[2588]: `), or without a host name
//!   (`Aug 15 16:19:02 unbound[26931]: `)
//! * RFC 5424 syslog: `<30>1 2026-10-10T13:55:36.123Z ns1 named 1234 - - `
//! * RFC 3339 rsyslog and `journalctl -o short-iso`: `2026-10-10T13:55:36.123+00:00 ns1 named[1234]: `,
//!   or the stamp alone (`kubectl logs --timestamps`: `2026-10-10T13:55:36.123456789Z [INFO] …`)
//! * CRI (Kubernetes container logs): `2026-10-10T13:55:36.123456789Z stdout F `
//! * daemontools/s6 TAI64N: `@4000000068e8f0e81d0b4c54 `
//! * `journalctl -o json` (the `MESSAGE` string) and Docker json-file (the `log` string): the
//!   message is matched inside the JSON string (a message with JSON escapes in it, such as a
//!   quote, does not match, and is scrubbed as an unparsed line like any other); their times
//!   are `__REALTIME_TIMESTAMP` and `time`.

use super::cursor::Cur;

/// What kind of wrapper was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// RFC 3164 syslog (with or without `<PRI>` and a host name).
    Syslog3164,
    /// RFC 5424 syslog: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD `.
    Syslog5424,
    /// RFC 3339 timestamp, host and tag (rsyslog, `journalctl -o short-iso`).
    Rfc3339,
    /// CRI container log.
    Cri,
    /// TAI64N stamp.
    Tai64n,
    /// `journalctl -o json`.
    JournalJson,
    /// Docker json-file.
    DockerJson,
}

/// A wrapper found around a message: the message's span and the wrapper's time span, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unwrapped {
    /// Which wrapper.
    pub wrapper: Wrapper,
    /// Where the inner message starts and ends.
    pub inner: (usize, usize),
    /// The wrapper's timestamp, if it has one.
    pub time: Option<(usize, usize)>,
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `Mmm dd HH:MM:SS` (day space-padded or not); returns its end.
pub fn bsd_time(s: &[u8], i: usize) -> Option<usize> {
    let t = s.get(i..)?;
    if t.len() < 15 || !MONTHS.contains(&&t[..3]) || t[3] != b' ' {
        return None;
    }
    let mut k = 4;
    if t[k] == b' ' {
        k += 1;
    }
    let d = t[k..].iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&d) {
        return None;
    }
    k += d;
    if t.get(k) != Some(&b' ') {
        return None;
    }
    k += 1;
    let hms = t.get(k..k + 8)?;
    let ok = hms.iter().enumerate().all(|(j, &b)| {
        if j == 2 || j == 5 {
            b == b':'
        } else {
            b.is_ascii_digit()
        }
    });
    ok.then_some(i + k + 8)
}

/// An ISO 8601 / RFC 3339 timestamp word (`2026-10-10T13:55:36[.frac][Z|±hh:mm|±hhmm]`); its end.
pub fn iso_time(s: &[u8], i: usize) -> Option<usize> {
    let t = s.get(i..)?;
    if t.len() < 19 {
        return None;
    }
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let ok = shape.iter().zip(t).all(|(&p, &b)| {
        if p == b'd' {
            b.is_ascii_digit()
        } else {
            b == p
        }
    });
    if !ok {
        return None;
    }
    let n = t.iter().position(|&b| b == b' ').unwrap_or(t.len());
    let tail = &t[19..n];
    tail.iter()
        .all(|&b| b.is_ascii_digit() || b".:+-Z".contains(&b))
        .then_some(i + n)
}

/// `host tag[pid]: ` or `host tag: ` after a timestamp and its space, or a bare `tag[pid]: `
/// (syslog without a host name, as a local file written by the daemon's syslog call); the
/// message start.
fn host_tag(s: &[u8], i: usize) -> Option<usize> {
    let is_tag = |a: usize, b: usize| b - a >= 2 && s[b - 1] == b':';
    let mut c = Cur::new(s, i);
    let (a, b) = c.word().ok()?;
    if is_tag(a, b) && s[a..b].contains(&b'[') && c.eat(b" ") {
        return Some(c.i);
    }
    c.lit(b" ").ok()?;
    let (a, b) = c.word().ok()?;
    if !is_tag(a, b) || !c.eat(b" ") {
        return None;
    }
    Some(c.i)
}

/// The program a syslog wrapper names (`named` of `ns1 named[42]: `, RFC 5424's APP-NAME), if
/// the wrapper is syslog and names one.
pub fn program<'a>(line: &'a [u8], u: &Unwrapped) -> Option<&'a [u8]> {
    let tag = match u.wrapper {
        Wrapper::Syslog3164 | Wrapper::Rfc3339 => {
            let head = line[..u.inner.0].strip_suffix(b": ")?;
            &head[memchr::memrchr(b' ', head).map_or(0, |k| k + 1)..]
        }
        Wrapper::Syslog5424 => line[pri(line)?..].split(|&b| b == b' ').nth(3)?,
        _ => return None,
    };
    let tag = tag.split(|&b| b == b'[').next().unwrap_or(tag);
    (!tag.is_empty() && tag != b"-").then_some(tag)
}

/// `<PRI>` (RFC 3164 and 5424, a facility and severity of at most 191); its end.
fn pri(s: &[u8]) -> Option<usize> {
    let close = s.iter().take(5).position(|&b| b == b'>')?;
    let digits = s.get(1..close)?;
    (s.first() == Some(&b'<')
        && (1..=3).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && std::str::from_utf8(digits).ok()?.parse::<u16>().ok()? <= 191)
        .then_some(close + 1)
}

/// RFC 5424 after `<PRI>`: `1 TIMESTAMP HOST APP PROCID MSGID SD MSG`; the message start and
/// the timestamp's span.
fn rfc5424(s: &[u8], i: usize) -> Option<(usize, (usize, usize))> {
    let mut c = Cur::new(s, i);
    c.lit(b"1 ").ok()?;
    let t0 = c.i;
    let t = iso_time(s, t0)?;
    c.i = t;
    for _ in 0..4 {
        c.lit(b" ").ok()?;
        c.word().ok()?;
    }
    // Structured data: `-`, or `[id k="v" ...]` elements (which may hold spaces).
    c.lit(b" ").ok()?;
    if c.eat(b"- ") {
        return Some((c.i, (t0, t)));
    }
    if s.get(c.i) != Some(&b'[') {
        return None;
    }
    let end = memchr::memmem::find(&s[c.i..], b"] ")? + c.i + 2;
    Some((end, (t0, t)))
}

/// The wrapper around `line`, if any.
pub fn unwrap(line: &[u8]) -> Option<Unwrapped> {
    let first = *line.first()?;
    if first == b'{' {
        return json_message(line, b"\"MESSAGE\":\"", Wrapper::JournalJson)
            .or_else(|| json_message(line, b"\"log\":\"", Wrapper::DockerJson));
    }
    if first == b'@'
        && line.len() > 26
        && line[1..25].iter().all(u8::is_ascii_hexdigit)
        && line[25] == b' '
    {
        return Some(Unwrapped {
            wrapper: Wrapper::Tai64n,
            inner: (26, line.len()),
            time: Some((0, 25)),
        });
    }
    // A syslog line as sent on the wire or stored by a relay: `<PRI>` first (RFC 3164 and 5424).
    if first == b'<'
        && let Some(p) = pri(line)
    {
        if let Some((inner, time)) = rfc5424(line, p) {
            return Some(Unwrapped {
                wrapper: Wrapper::Syslog5424,
                inner: (inner, line.len()),
                time: Some(time),
            });
        }
        return stamped(line, p);
    }
    stamped(line, 0)
}

/// A timestamp at `at` (RFC 3164 or RFC 3339) and what follows it.
fn stamped(line: &[u8], at: usize) -> Option<Unwrapped> {
    if let Some(t) = bsd_time(line, at) {
        let inner = host_tag(line, t + 1).filter(|_| line.get(t) == Some(&b' '))?;
        return Some(Unwrapped {
            wrapper: Wrapper::Syslog3164,
            inner: (inner, line.len()),
            time: Some((at, t)),
        });
    }
    if let Some(t) = iso_time(line, at) {
        if line.get(t) != Some(&b' ') {
            return None;
        }
        let mut c = Cur::new(line, t + 1);
        if (c.eat(b"stdout ") || c.eat(b"stderr ")) && (c.eat(b"F ") || c.eat(b"P ")) {
            return Some(Unwrapped {
                wrapper: Wrapper::Cri,
                inner: (c.i, line.len()),
                time: Some((at, t)),
            });
        }
        // `host tag: `, or nothing but the stamp (`kubectl logs --timestamps`).
        let inner = host_tag(line, t + 1).unwrap_or(t + 1);
        return Some(Unwrapped {
            wrapper: Wrapper::Rfc3339,
            inner: (inner, line.len()),
            time: Some((at, t)),
        });
    }
    None
}

/// The span of a JSON string value introduced by `key` (`"KEY":"`), without a trailing `\n`
/// escape; only for values without other escapes before their end quote.
fn json_message(line: &[u8], key: &[u8], wrapper: Wrapper) -> Option<Unwrapped> {
    let k = memchr::memmem::find(line, key)? + key.len();
    let q = k + memchr::memchr(b'"', &line[k..])?;
    let mut end = q;
    if line[k..end].ends_with(b"\\n") {
        end -= 2;
    }
    if line[k..end].contains(&b'\\') {
        return None;
    }
    // journald's own time, microseconds since 1970 (`"__REALTIME_TIMESTAMP":"1791640538015311"`),
    // and Docker's RFC 3339 time (`"time":"2026-10-10T13:55:36.123456789Z"`): a message without
    // a time of its own is dated by it.
    let time = match wrapper {
        Wrapper::JournalJson => {
            const KEY: &[u8] = b"\"__REALTIME_TIMESTAMP\":\"";
            memchr::memmem::find(line, KEY).and_then(|a| {
                let a = a + KEY.len();
                let n = line[a..].iter().take_while(|b| b.is_ascii_digit()).count();
                (n > 0 && line.get(a + n) == Some(&b'"')).then_some((a, a + n))
            })
        }
        _ => {
            const KEY: &[u8] = b"\"time\":\"";
            memchr::memmem::find(line, KEY).and_then(|a| {
                let a = a + KEY.len();
                let q = a + memchr::memchr(b'"', &line[a..])?;
                (iso_time(&line[..q], a) == Some(q)).then_some((a, q))
            })
        }
    };
    Some(Unwrapped {
        wrapper,
        inner: (k, end),
        time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(line: &str) -> Option<(Wrapper, &str)> {
        unwrap(line.as_bytes()).map(|u| (u.wrapper, &line[u.inner.0..u.inner.1]))
    }

    #[test]
    fn wrappers() {
        let m = "client @0x1 192.0.2.1#53 (a.example): query: a.example IN A + (198.51.100.1)";
        let table = [
            (
                format!("Oct 10 13:55:36 ns1 named[1234]: {m}"),
                Wrapper::Syslog3164,
            ),
            (
                format!("Oct  1 03:05:06 ns1 named: {m}"),
                Wrapper::Syslog3164,
            ),
            (
                format!("2026-10-10T13:55:36.123456+00:00 ns1 named[1234]: {m}"),
                Wrapper::Rfc3339,
            ),
            (
                format!("2026-10-10T13:55:36+0000 ns1 named[1234]: {m}"),
                Wrapper::Rfc3339,
            ),
            (
                format!("2026-10-10T13:55:36.123456789Z stdout F {m}"),
                Wrapper::Cri,
            ),
            (format!("@4000000068e8f0e81d0b4c54 {m}"), Wrapper::Tai64n),
            (
                format!(r#"{{"MESSAGE":"{m}","_HOSTNAME":"ns1"}}"#),
                Wrapper::JournalJson,
            ),
            (
                format!(r#"{{"log":"{m}\n","stream":"stdout","time":"2026-10-10T13:55:36Z"}}"#),
                Wrapper::DockerJson,
            ),
        ];
        for (line, w) in &table {
            assert_eq!(inner(line), Some((*w, m)), "{line}");
        }
        assert_eq!(inner(m), None);
        assert_eq!(inner("Oct 10 13:55:36"), None);
        assert_eq!(inner(r#"{"MESSAGE":"a \"quoted\" b"}"#), None);
    }
}

/// Wrappers met in third-party logs (issue 17): `<PRI>` as relays store it, RFC 5424, syslog
/// without a host name, CoreDNS under `kubectl logs --timestamps`.
#[cfg(test)]
mod wrapped_servers {
    use crate::format::dns::Server;
    use crate::format::fields::{Fields, Std};

    #[test]
    fn each_wrapper_leaves_the_servers_line_and_its_time() {
        for (server, line, client, time) in [
            (
                Server::Bind,
                "<30>Apr 14 16:16:05 10.50.1.227 named[2588]: queries: client @0x7f3a 192.0.2.1#5353 (example.com): query: example.com IN A + (192.0.2.53)",
                "192.0.2.1",
                "Apr 14 16:16:05",
            ),
            (
                Server::Bind,
                "<30>1 2026-10-10T13:55:36.123Z ns1 named 1234 - - client @0x1 192.0.2.2#53 (a.example): query: a.example IN A + (192.0.2.53)",
                "192.0.2.2",
                "2026-10-10T13:55:36.123Z",
            ),
            (
                Server::Bind,
                "<30>1 2026-10-10T13:55:36Z ns1 named 1234 - [meta x=\"a b\"] client @0x1 192.0.2.3#53 (a.example): query: a.example IN A + (192.0.2.53)",
                "192.0.2.3",
                "2026-10-10T13:55:36Z",
            ),
            (
                Server::Unbound,
                "Aug 15 16:19:02 unbound[26931]: [26931:0] info: 192.0.2.4 example.org. A IN",
                "192.0.2.4",
                "Aug 15 16:19:02",
            ),
            (
                Server::Coredns,
                r#"2026-10-10T13:55:36.123456789Z [INFO] [2001:db8::17]:53142 - 4242 "A IN www.example.com. udp 41 false 512" NOERROR qr,rd,ra 94 0.000123s"#,
                "2001:db8::17",
                "2026-10-10T13:55:36.123456789Z",
            ),
            // journald keeps no time in the message: its own is the line's.
            (
                Server::Bind,
                r#"{"__REALTIME_TIMESTAMP":"1791640538015311","MESSAGE":"client @0x1 192.0.2.5#53 (a.example): query: a.example IN A + (192.0.2.53)","_COMM":"named"}"#,
                "192.0.2.5",
                "1791640538015311",
            ),
            (
                Server::Dnsmasq,
                "@400000006aca43e2075bcd15 dnsmasq[1]: query[A] a.example from 192.0.2.6",
                "192.0.2.6",
                "@400000006aca43e2075bcd15",
            ),
        ] {
            let mut f = Fields::default();
            server
                .parse(line.as_bytes(), &mut f)
                .unwrap_or_else(|c| panic!("{line}: col {c}"));
            let get = |s: Std| f.get(s).map(|(a, b)| &line[a..b]);
            assert_eq!(get(Std::Client), Some(client), "{line}");
            assert_eq!(get(Std::Time), Some(time), "{line}");
        }
    }
}
