//! dnsdist `LogAction` / `LogResponseAction` lines.
//!
//! ```text
//! [<sec>.<nsec>] Packet from <ip:port> for <qname> <type> with id <n>
//! [<sec>.<nsec>] Answer to <ip:port> for <qname> <type> (<rcode text>) with id <n>
//! ```
//! The optional timestamp's nanoseconds are not zero-padded; a file may also start with a
//! `Mmm dd HH:MM:SS ` stamp (the `[sec.nsec]` one, when both are there, is the `time`).
//! IPv6 is written `[v6]:port`.
//! Spec: dnsdist reference, `LogAction`, `LogResponseAction`.

use super::cursor::{Col, Cur, client_port};
use super::wrapper::bsd_time;
use crate::format::fields::{Fields, Std};

/// Parses one dnsdist log line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    let mut stamp = None;
    if let Some(t) = bsd_time(s, 0) {
        stamp = Some((0, t));
        c.i = t;
        c.lit(b" ")?;
    }
    if c.eat(b"[") {
        let t = c.until(b']')?;
        if !s[t.0..t.1].iter().all(|&b| b.is_ascii_digit() || b == b'.') {
            return Err(t.0);
        }
        stamp = Some(t);
        c.lit(b"] ")?;
    }
    if let Some((a, b)) = stamp {
        f.std(Std::Time, a, b);
    }
    let answer = if c.eat(b"Packet from ") {
        f.std(Std::Event, c.i - 12, c.i - 6);
        false
    } else if c.eat(b"Answer to ") {
        f.std(Std::Event, c.i - 10, c.i - 4);
        true
    } else {
        return Err(c.i);
    };
    let (a, b) = c.word_sp()?;
    client_port(s, a, b, b':', f)?;
    c.lit(b"for ")?;
    c.field_sp(f, Std::Qname)?;
    c.field(f, Std::Qtype)?;
    if answer {
        c.lit(b" (")?;
        let r = c.until(b')')?;
        f.std(Std::Rcode, r.0, r.1);
        c.lit(b")")?;
    }
    c.lit(b" with id ")?;
    let id = c.digits()?;
    f.std(Std::Id, id.0, id.1);
    c.end()
}
