//! Unbound `log-queries` and `log-replies` lines.
//!
//! ```text
//! [<epoch>] unbound[<pid>:<tid>] info: <ip> <qname.> <TYPE> <CLASS>
//! [<epoch>] unbound[<pid>:<tid>] reply: <ip> <qname.> <TYPE> <CLASS> <RCODE> <secs> <cached> <size>[ on <proto> <ip> <port>]
//! ```
//! The tag is `info`, `query` or `reply` depending on version; the time prefix is an epoch in
//! brackets, `log-time-ascii` (`Oct 10 13:55:36`) or, with `log-time-iso` too, ISO 8601 local time
//! with milliseconds and offset (`2026-10-10T15:55:36.123+02:00`); under syslog the message starts
//! at `[<pid>:<tid>]`. A FORMERR reply has `- - -` for name, type and class. `log-destaddr`
//! appends the transport and the address and port the query came in on to replies. Spec:
//! unbound.conf(5) `log-queries`, `log-replies`, `log-time-ascii`, `log-time-iso`,
//! `log-destaddr`; source `util/log.c` (`log_vmsg`, `log_query_in`) and
//! `util/data/msgreply.c` (`log_reply_info`).

use super::cursor::{Col, Cur};
use super::wrapper::{bsd_time, iso_time};
use crate::format::fields::{Fields, Std};

/// Parses one Unbound line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    let epoch = match s.first() {
        Some(b'[') => {
            c.i = 1;
            c.digits().ok().filter(|_| c.eat(b"] "))
        }
        _ => None,
    };
    if let Some(t) = epoch {
        f.std(Std::Time, t.0, t.1);
    } else {
        c.i = 0;
        if let Some(t) = bsd_time(s, 0).or_else(|| iso_time(s, 0)) {
            f.std(Std::Time, 0, t);
            c.i = t;
            c.lit(b" ")?;
        }
    }
    // `unbound[pid:tid] ` or, under syslog, `[pid:tid] `.
    let (a, b) = c.word_sp()?;
    // (Not a JSON wrapper's start, `{"MESSAGE":"[1234:0]`: the wrapper is read as one.)
    if s[b - 1] != b']' || s[a] == b'{' || crate::bytes::find_byte(b'[', &s[a..b]).is_none() {
        return Err(a);
    }
    let at = c.i;
    if c.eat(b"reply: ") || c.eat(b"query: ") {
        f.std(Std::Event, at, at + 5);
        return query(s, c, f);
    }
    // `info: <ip> <name> <type> <class>` is a query (log-queries before 1.10); every other
    // `info:` line and the other levels are the server's own messages (`start of service`,
    // `service stopped`, statistics, log-local-actions' `example.com. static <ip>@<port> …`).
    const LEVELS: [&[u8]; 5] = [b"info: ", b"notice: ", b"warning: ", b"error: ", b"debug: "];
    let level = *LEVELS.iter().find(|l| c.rest().starts_with(l)).ok_or(at)?;
    c.i += level.len();
    let message = at;
    if level == b"info: "
        && crate::anonymize::scan::parse_addr(c.rest().split(|&b| b == b' ').next().unwrap_or(b""))
            .is_some()
        && query(s, Cur::new(s, c.i), f).is_ok()
    {
        return Ok(());
    }
    f.clear_but_time();
    f.std(Std::Message, message, s.len());
    Ok(())
}

/// A query or reply, from its client on. Inlined: a call per line (docs/ARCHITECTURE.md,
/// "Speed").
#[inline(always)]
fn query(s: &[u8], mut c: Cur, f: &mut Fields) -> Result<(), Col> {
    c.field_sp(f, Std::Client)?;
    let q = c.word_sp()?;
    let ty = c.word_sp()?;
    let class = c.word()?;
    // `-` (a FORMERR reply) and `null` (a reply to a refused query) stand for no name.
    if &s[q.0..q.1] != b"-" && &s[q.0..q.1] != b"null" {
        f.std(Std::Qname, q.0, q.1);
        f.std(Std::Qtype, ty.0, ty.1);
        f.std(Std::Qclass, class.0, class.1);
    }
    if c.eof() {
        return Ok(());
    }
    c.lit(b" ")?;
    let rcode = c.word_sp()?;
    f.std(Std::Rcode, rcode.0, rcode.1);
    // `<secs> <cached> <size>`, all `-` on a FORMERR reply to an unparseable query.
    let secs = c.word_sp()?;
    let cached = c.word_sp()?;
    let size = c.word()?;
    if &s[secs.0..secs.1] != b"-" {
        f.std(Std::Duration, secs.0, secs.1);
        f.std(Std::Cached, cached.0, cached.1);
        f.std(Std::Size, size.0, size.1);
    }
    // `log-destaddr: yes` appends where the query arrived (` on udp 192.0.2.53 53`); older
    // versions end a FORMERR line with a space.
    if c.eat(b" on ") {
        c.field_sp(f, Std::Transport)?;
        c.field_sp(f, Std::Server)?;
        c.digits()?;
        return c.end();
    }
    c.eat(b" ");
    c.end()
}
