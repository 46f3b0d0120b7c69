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
//! Spec: PowerDNS Recursor docs, "Logging" → structured logging.

use super::cursor::{Col, Cur, addr_port};
use crate::format::fields::{Fields, Std};

/// Parses one PowerDNS Recursor line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    if let Some(k) = memchr::memmem::find(s, b"question for '") {
        return legacy(s, k, f);
    }
    structured(s, f)
}

fn legacy(s: &[u8], k: usize, f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, k);
    f.std(Std::Event, k, k + 8);
    c.lit(b"question for '")?;
    let q = c.until(b'|')?;
    c.lit(b"|")?;
    let ty = c.until(b'\'')?;
    c.lit(b"' from ")?;
    let (a, b) = c.word()?;
    let ((ca, cb), (pa, pb)) = addr_port(s, a, b, b':').ok_or(a)?;
    f.std(Std::Qname, q.0, q.1);
    f.std(Std::Qtype, ty.0, ty.1);
    f.std(Std::Client, ca, cb);
    f.std(Std::ClientPort, pa, pb);
    if c.eat(b" (ecs ") {
        let e = c.until(b')')?;
        f.std(Std::Ecs, e.0, e.1);
        c.lit(b")")?;
    }
    c.end()
}

fn structured(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    let mut saw_msg = false;
    while !c.eof() {
        let key = c.until(b'=')?;
        if !s[key.0..key.1]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return Err(key.0);
        }
        c.lit(b"=\"")?;
        // Values escape `"` and `\` with a backslash.
        let v0 = c.i;
        loop {
            let j = memchr::memchr2(b'"', b'\\', c.rest()).ok_or(c.i)?;
            c.i += j;
            if s[c.i] == b'\\' {
                c.i += 2;
                continue;
            }
            break;
        }
        let v = (v0, c.i);
        c.lit(b"\"")?;
        let name = &s[key.0..key.1];
        let std = match name {
            b"msg" => {
                saw_msg = true;
                Some(Std::Event)
            }
            b"ts" => Some(Std::Time),
            b"qname" => Some(Std::Qname),
            b"qtype" => Some(Std::Qtype),
            b"qclass" => Some(Std::Qclass),
            b"proto" => Some(Std::Transport),
            b"ecs" if v.0 < v.1 => Some(Std::Ecs),
            b"rcode" => Some(Std::Rcode),
            b"local" => Some(Std::Server),
            b"remote" | b"source" => {
                match addr_port(s, v.0, v.1, b':') {
                    Some(((ca, cb), (pa, pb))) => {
                        f.std(Std::Client, ca, cb);
                        f.std(Std::ClientPort, pa, pb);
                    }
                    None => f.std(Std::Client, v.0, v.1),
                }
                None
            }
            _ => None,
        };
        if let Some(std) = std {
            f.std(std, v.0, v.1);
        }
        if !c.eof() {
            c.lit(b" ")?;
        }
    }
    if saw_msg { Ok(()) } else { Err(0) }
}
