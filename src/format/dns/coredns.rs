//! CoreDNS `log` plugin lines, `{common}` and `{combined}` formats.
//!
//! ```text
//! [INFO] <ip>:<port> - <id> "<type> <class> <name> <proto> <size> <do> <bufsize>" <rcode> <rflags> <rsize> <duration>[ "<extra>"]
//! ```
//! IPv6 clients are written `[v6]:port`. There is no date: the time comes from the file or the
//! collector around it. Spec: <https://coredns.io/plugins/log/>.

use super::cursor::{Col, Cur, client_port};
use crate::format::fields::{Fields, Std};

/// Parses one CoreDNS log line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    if c.eat(b"[") {
        let lvl = c.until(b']')?;
        if !s[lvl.0..lvl.1].iter().all(u8::is_ascii_uppercase) {
            return Err(lvl.0);
        }
        c.lit(b"] ")?;
    }
    let (a, b) = c.word_sp()?;
    client_port(s, a, b, b':', f)?;
    c.lit(b"- ")?;
    c.field_sp(f, Std::Id)?;
    c.lit(b"\"")?;
    c.field_sp(f, Std::Qtype)?;
    c.field_sp(f, Std::Qclass)?;
    c.field_sp(f, Std::Qname)?;
    c.field_sp(f, Std::Transport)?;
    let _size = c.word_sp()?;
    let _do = c.word_sp()?;
    let _buf = c.until(b'"')?;
    c.lit(b"\" ")?;
    c.field_sp(f, Std::Rcode)?;
    c.field_sp(f, Std::Flags)?;
    c.field_sp(f, Std::Size)?;
    c.field(f, Std::Duration)?;
    if c.eat(b" \"") {
        // {combined} appends one more quoted field.
        c.i += memchr::memchr(b'"', c.rest()).ok_or(c.i)? + 1;
    }
    c.end()
}
