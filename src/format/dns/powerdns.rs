//! PowerDNS Recursor query logs (`quiet=no` / `log-common-errors`).
//!
//! Structured logging (Recursor 4.8+, `structured-logging=yes`), `key="value"` pairs:
//! ```text
//! msg="Question" subsystem="…" level="0" prio="Info" tid="1" ts="1728568536.123" ecs="" mtid="1" proto="udp" qname="www.example.com" qtype="A" remote="192.0.2.1:53142"
//! ```
//! and the legacy text form:
//! ```text
//! [prefix] question for 'www.example.com|A' from 192.0.2.1:53142[ (ecs 192.0.2.0/24)]
//! ```
//! The JSON backend writes the same keys as one flat JSON object of strings. A file written by
//! the recursor itself may start with a `Mmm dd HH:MM:SS ` stamp.
//! Spec: PowerDNS Recursor docs, "Logging" → structured logging.

use super::cursor::{Col, Cur, client_port};
use super::wrapper::bsd_time;
use crate::format::fields::{Fields, Std};

/// Parses one PowerDNS Recursor line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let (start, stamp) = match bsd_time(s, 0) {
        Some(t) if s.get(t) == Some(&b' ') => (t + 1, Some((0, t))),
        _ => (0, None),
    };
    if let Some(k) = memchr::memmem::find(&s[start..], b"question for '") {
        if let Some((a, b)) = stamp {
            f.std(Std::Time, a, b);
        }
        return legacy(s, start + k, f);
    }
    let structured_line = if s.get(start) == Some(&b'{') {
        json(s, start, f)
    } else {
        structured(s, start, f)
    };
    match structured_line {
        Ok((ma, mb)) => {
            if !is_query_message(&s[ma..mb]) {
                // Start-up, configuration and housekeeping (`Failed to update . records` has an
                // rcode but answers no client): the server's own message.
                f.clear_but_time();
                f.std(Std::Message, ma, mb);
            }
        }
        Err(col) => {
            let Some((a, b)) = stamp else {
                return Err(col);
            };
            f.clear();
            f.std(Std::Time, a, b);
            legacy_other(s, start, f)?;
        }
    }
    if f.get(Std::Time).is_none()
        && let Some((a, b)) = stamp
    {
        f.std(Std::Time, a, b);
    }
    Ok(())
}

/// The `msg` values of structured lines that are about a client's query.
fn is_query_message(msg: &[u8]) -> bool {
    matches!(
        msg,
        b"Question"
            | b"Answer"
            | b"Question answered from packet cache"
            | b"TCP question answered from packet cache"
            | b"Dropping UDP query, address not matched by allow-from"
            | b"Dropping TCP query, address not matched by allow-from"
    )
}

/// The legacy text lines other than questions, after the stamp: answers
/// (`1 [2/1] answer to question 'www.example.com|A': 1 answers, … rcode=0`), packet-cache hits
/// (`1 question answered from packet cache tag=0 from 192.0.2.1:53142`), dropped queries
/// (`[1] dropping UDP query from 192.0.2.1, address not matched by allow-from`), and the
/// server's own messages (banners, configuration), which are anything else.
fn legacy_other(s: &[u8], start: usize, f: &mut Fields) -> Result<(), Col> {
    let rest = &s[start..];
    let find = |w: &[u8]| memchr::memmem::find(rest, w).map(|k| start + k);
    if let Some(k) = find(b"answer to question '").or_else(|| find(b"answer to non-rd question '"))
    {
        let mut c = Cur::new(s, k);
        c.i = memchr::memchr(b'\'', &s[k..]).ok_or(k)? + k + 1;
        let q = c.until(b'|')?;
        c.lit(b"|")?;
        let ty = c.until(b'\'')?;
        let r = memchr::memmem::rfind(&s[c.i..], b"rcode=").ok_or(c.i)? + c.i + 6;
        if r == s.len() || !s[r..].iter().all(|&b| b.is_ascii_digit() || b == b'-') {
            return Err(r);
        }
        f.std(Std::Event, k, k + 6);
        f.std(Std::Qname, q.0, q.1);
        f.std(Std::Qtype, ty.0, ty.1);
        f.std(Std::Rcode, r, s.len());
        return Ok(());
    }
    const CACHE_HIT: &[u8] = b"question answered from packet cache";
    if let Some(k) = find(CACHE_HIT) {
        let end = k + CACHE_HIT.len();
        f.std(Std::Event, k, end);
        if k >= start + 4 && &s[k - 4..k] == b"TCP " {
            f.std(Std::Transport, k - 4, k - 1);
        }
        // The client follows the phrase (whose own ` from ` is no client's).
        let from = memchr::memmem::rfind(&s[end..], b" from ").ok_or(end)? + end + 6;
        return client_port(s, from, s.len(), b':', f);
    }
    if let Some(k) = find(b"dropping UDP query from ").or_else(|| find(b"dropping TCP query from "))
    {
        f.std(Std::Event, k, k + 8);
        f.std(Std::Transport, k + 9, k + 12);
        let a = k + 24;
        let b = memchr::memchr(b',', &s[a..]).map_or(s.len(), |j| a + j);
        f.std(Std::Client, a, b);
        return Ok(());
    }
    f.std(Std::Message, start, s.len());
    Ok(())
}

fn legacy(s: &[u8], k: usize, f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, k);
    // `… TCP question for` / `… UDP question for`: the transport, when written.
    if k >= 4 && matches!(&s[k - 4..k], b"TCP " | b"UDP ") {
        f.std(Std::Transport, k - 4, k - 1);
    }
    f.std(Std::Event, k, k + 8);
    c.lit(b"question for '")?;
    let q = c.until(b'|')?;
    c.lit(b"|")?;
    let ty = c.until(b'\'')?;
    c.lit(b"' from ")?;
    let (a, b) = c.word()?;
    f.std(Std::Qname, q.0, q.1);
    f.std(Std::Qtype, ty.0, ty.1);
    client_port(s, a, b, b':', f)?;
    if c.eat(b" (ecs ") {
        let e = c.until(b')')?;
        f.std(Std::Ecs, e.0, e.1);
        c.lit(b")")?;
    }
    c.end()
}

/// Records one `key` = `value` pair (spans into `s`); the value's span for `msg`.
fn pair(
    s: &[u8],
    key: (usize, usize),
    v: (usize, usize),
    f: &mut Fields,
) -> Option<(usize, usize)> {
    let std = match &s[key.0..key.1] {
        b"msg" => Some(Std::Event),
        b"ts" => Some(Std::Time),
        b"qname" => Some(Std::Qname),
        b"qtype" => Some(Std::Qtype),
        b"qclass" => Some(Std::Qclass),
        b"proto" => Some(Std::Transport),
        b"ecs" if v.0 < v.1 => Some(Std::Ecs),
        b"rcode" => Some(Std::Rcode),
        b"totms" => Some(Std::Duration),
        b"local" => Some(Std::Server),
        b"remote" | b"source" => {
            if client_port(s, v.0, v.1, b':', f).is_err() {
                f.std(Std::Client, v.0, v.1);
            }
            None
        }
        _ => None,
    };
    if let Some(std) = std {
        f.std(std, v.0, v.1);
    }
    (&s[key.0..key.1] == b"msg").then_some(v)
}

/// A quoted string starting at the cursor (after its opening quote); escapes are `\x`.
fn quoted(c: &mut Cur) -> Result<(usize, usize), Col> {
    let v0 = c.i;
    loop {
        let j = memchr::memchr2(b'"', b'\\', c.rest()).ok_or(c.i)?;
        c.i += j;
        if c.s[c.i] == b'\\' {
            c.i += 2;
            continue;
        }
        let v = (v0, c.i);
        c.i += 1;
        return Ok(v);
    }
}

/// The `key="value"` form; the span of `msg`'s value.
fn structured(s: &[u8], start: usize, f: &mut Fields) -> Result<(usize, usize), Col> {
    let mut c = Cur::new(s, start);
    let mut msg = None;
    while !c.eof() {
        let key = c.until(b'=')?;
        if !s[key.0..key.1]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Err(key.0);
        }
        c.lit(b"=\"")?;
        let v = quoted(&mut c)?;
        msg = msg.or(pair(s, key, v, f));
        if !c.eof() {
            c.lit(b" ")?;
        }
    }
    msg.ok_or(start)
}

/// The JSON backend: one flat object of string values; the span of `msg`'s value.
fn json(s: &[u8], start: usize, f: &mut Fields) -> Result<(usize, usize), Col> {
    let mut c = Cur::new(s, start);
    c.lit(b"{")?;
    let mut msg = None;
    loop {
        c.eat(b" ");
        c.lit(b"\"")?;
        let key = quoted(&mut c)?;
        c.lit(b":")?;
        c.eat(b" ");
        c.lit(b"\"")?;
        let v = quoted(&mut c)?;
        msg = msg.or(pair(s, key, v, f));
        if c.eat(b",") {
            continue;
        }
        c.lit(b"}")?;
        break;
    }
    c.end()?;
    msg.ok_or(start)
}
