//! BIND 9 query logs (`category queries`, `query-errors`, and `responses` in 9.21+).
//!
//! ```text
//! [time] [category:] [severity:] client [@0x…] <ip>#<port>[/key <name>] [(<qname>)][: view <v>]: <event>
//!   query: <qname> <class> <type> <flags> (<server>)[ [ECS <addr>/<source>/<scope>]]
//!   query failed (<rcode>) for <qname>/<class>/<type> at <file>:<line>
//!   response: <qname> <class> <type> <rcode> <answers> <authority> <additional> <flags> (<server>)[ [ECS …]]
//! ```
//! The `response:` lines (category `responses`, `responselog yes;`, BIND 9.20.3 and 9.21.2 on)
//! follow `log_response()` in `lib/ns/query.c`.
//! Time is `dd-Mon-yyyy HH:MM:SS.mmm` (print-time) or ISO 8601 (`print-time iso8601`), local
//! time unless the ISO form carries a zone. IPv6 clients are written unbracketed with `#port`.
//! Flags are kept as the token written (`+E(0)K`); their letters are a set whose order changed
//! between versions. Spec: BIND 9 ARM, "logging" → categories `queries`, `query-errors`.

use super::cursor::{Col, Cur, unbracket};
use crate::format::fields::{Fields, Std};

/// `dd-Mon-yyyy HH:MM:SS[.mmm]` at `i`; its end.
fn bind_time(s: &[u8], i: usize) -> Option<usize> {
    let t = s.get(i..)?;
    let head: &[u8; 20] = t.get(..20)?.try_into().ok()?;
    let d = |k: usize| head[k].is_ascii_digit();
    let m = |k: usize| head[k].is_ascii_alphabetic();
    let ok = head[2] == b'-'
        && head[6] == b'-'
        && head[11] == b' '
        && head[14] == b':'
        && head[17] == b':'
        && d(0)
        && d(1)
        && m(3)
        && m(4)
        && m(5)
        && (7..11).all(d)
        && d(12)
        && d(13)
        && d(15)
        && d(16)
        && d(18)
        && d(19);
    if !ok {
        return None;
    }
    let mut k = 20;
    if t.get(k) == Some(&b'.') {
        k += 1 + t[k + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    Some(i + k)
}

/// Bytes of a category or severity word (`queries`, `query-errors`, `debug 3`).
static CATEGORY_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b' ';
        i += 1;
    }
    t
};

/// Parses one BIND line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    // Prefixes: time, category, severity (each optional), then `client `.
    if let Some(t) = bind_time(s, 0).or_else(|| super::wrapper::iso_time(s, 0)) {
        f.std(Std::Time, 0, t);
        c.i = t;
        c.lit(b" ")?;
    }
    let mut prefixed = false;
    for _ in 0..3 {
        if c.rest().starts_with(b"client ") {
            break;
        }
        // `queries:`, `query-errors:`, `info:`, `debug 3:` …: words ending in `:`.
        // The usual words first, as literals; they obey the general rule below.
        if c.eat(b"queries: ") || c.eat(b"info: ") {
            prefixed = true;
            continue;
        }
        let a = c.i;
        let mut k = a;
        while k < s.len() && k - a <= 16 && CATEGORY_BYTE[s[k] as usize] {
            k += 1;
        }
        if k == a || k - a > 16 || s.get(k) != Some(&b':') {
            // After a category or severity, any text is the server's own message
            // (`general: notice: running`, `zoneload: info: zone example.com/IN: loaded`).
            return if prefixed { message(s, a, f) } else { Err(a) };
        }
        c.i = k;
        c.lit(b": ")?;
        prefixed = true;
    }
    let m = c.i;
    if !c.rest().starts_with(b"client ") {
        return if prefixed { message(s, m, f) } else { Err(m) };
    }
    c.lit(b"client ")?;
    if c.eat(b"@0x") {
        c.word_sp()?;
    }
    // <ip>#<port>
    let (a, h) = c.until(b'#')?;
    c.lit(b"#")?;
    let port = c.digits()?;
    let client = unbracket(s, a, h);
    if client.0 >= client.1 {
        return Err(a); // `[]#53`
    }
    f.std(Std::Client, client.0, client.1);
    f.std(Std::ClientPort, port.0, port.1);
    if c.eat(b"/key ") {
        let (ka, kb) = c.word()?;
        let kb = if s[kb - 1] == b':' { kb - 1 } else { kb };
        c.i = kb;
        f.std(Std::Key, ka, kb);
    }
    if c.eat(b" (") {
        // The query name as the client sent it: a field too, so rules reduce both copies.
        let q = c.until(b')')?;
        f.std(Std::Qname, q.0, q.1);
        c.lit(b")")?;
    }
    if c.eat(b": view ") {
        let v = c.until(b':')?;
        f.std(Std::View, v.0, v.1);
    }
    c.lit(b": ")?;
    if c.eat(b"query: ") {
        f.std(Std::Event, c.i - 7, c.i - 2);
        c.field_sp(f, Std::Qname)?;
        c.field_sp(f, Std::Qclass)?;
        c.field_sp(f, Std::Qtype)?;
        c.field_sp(f, Std::Flags)?;
        return server_ecs(&mut c, f);
    }
    if c.eat(b"query failed (") {
        f.std(Std::Event, c.i - 14, c.i - 2);
        let r = c.until(b')')?;
        f.std(Std::Rcode, r.0, r.1);
        c.lit(b") for ")?;
        let (qa, _) = c.until(b'/')?;
        f.std(Std::Qname, qa, c.i);
        c.lit(b"/")?;
        let class = c.until(b'/')?;
        f.std(Std::Qclass, class.0, class.1);
        c.lit(b"/")?;
        let ty = c.word()?;
        f.std(Std::Qtype, ty.0, ty.1);
        c.lit(b" at ")?;
        c.word()?;
        return c.end();
    }
    if c.eat(b"response: ") {
        f.std(Std::Event, c.i - 10, c.i - 2);
        c.field_sp(f, Std::Qname)?;
        c.field_sp(f, Std::Qclass)?;
        c.field_sp(f, Std::Qtype)?;
        c.field_sp(f, Std::Rcode)?;
        // The answer, authority and additional counts, then the flags.
        for _ in 0..3 {
            c.digits()?;
            c.lit(b" ")?;
        }
        c.field_sp(f, Std::Flags)?;
        return server_ecs(&mut c, f);
    }
    // Another message about this client (`query 'x/A/IN' denied`, `zone transfer … denied`,
    // `transfer of 'example.com/IN': AXFR started`): the query was logged on its own line.
    message(s, m, f)
}

/// The server's own message from `at` to the end of the line.
fn message(s: &[u8], at: usize, f: &mut Fields) -> Result<(), Col> {
    f.clear_but_time();
    f.std(Std::Message, at, s.len());
    Ok(())
}

/// `(<server>)[ [ECS <addr>/<source>/<scope>]]` to the end of the line.
fn server_ecs(c: &mut Cur, f: &mut Fields) -> Result<(), Col> {
    c.lit(b"(")?;
    let srv = c.until(b')')?;
    f.std(Std::Server, srv.0, srv.1);
    c.lit(b")")?;
    if c.eat(b" [ECS ") {
        let e = c.until(b']')?;
        f.std(Std::Ecs, e.0, e.1);
        c.lit(b"]")?;
    }
    c.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_in_brackets_and_empty_client() {
        let line = |client: &str| {
            format!("client @0x1 {client}#53 (a.example): query: a.example IN A + (192.0.2.1)")
        };
        let mut f = Fields::default();
        let s = line("[2001:db8::1]");
        parse(s.as_bytes(), &mut f).expect("parses");
        let (a, b) = f.get(Std::Client).expect("client");
        assert_eq!(&s[a..b], "2001:db8::1");
        let (a, b) = f.get(Std::ClientPort).expect("port");
        assert_eq!(&s[a..b], "53");
        let mut f = Fields::default();
        assert_eq!(parse(line("[]").as_bytes(), &mut f), Err(12));
    }
}
