//! CoreDNS `log` plugin lines, `{common}` and `{combined}` formats.
//!
//! ```text
//! [INFO] <ip>:<port> - <id> "<type> <class> <name> <proto> <size> <do> <bufsize>" <rcode> <rflags> <rsize> <duration>[ "<extra>"]
//! ```
//! IPv6 clients are written `[v6]:port`. There is no date: the time comes from the file or the
//! collector around it. Spec: <https://coredns.io/plugins/log/>.

use super::cursor::{Col, Cur, addr_port};
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
    let ((ca, cb), (pa, pb)) = addr_port(s, a, b, b':').ok_or(a)?;
    f.std(Std::Client, ca, cb);
    f.std(Std::ClientPort, pa, pb);
    c.lit(b"- ")?;
    let id = c.word_sp()?;
    f.std(Std::Id, id.0, id.1);
    c.lit(b"\"")?;
    let ty = c.word_sp()?;
    let class = c.word_sp()?;
    let q = c.word_sp()?;
    let proto = c.word_sp()?;
    let _size = c.word_sp()?;
    let _do = c.word_sp()?;
    let _buf = c.until(b'"')?;
    c.lit(b"\" ")?;
    f.std(Std::Qtype, ty.0, ty.1);
    f.std(Std::Qclass, class.0, class.1);
    f.std(Std::Qname, q.0, q.1);
    f.std(Std::Transport, proto.0, proto.1);
    let rcode = c.word_sp()?;
    let flags = c.word_sp()?;
    let rsize = c.word_sp()?;
    let dur = c.word()?;
    f.std(Std::Rcode, rcode.0, rcode.1);
    f.std(Std::Flags, flags.0, flags.1);
    f.std(Std::Size, rsize.0, rsize.1);
    f.std(Std::Duration, dur.0, dur.1);
    if c.eat(b" \"") {
        // {combined} appends one more quoted field.
        c.i += memchr::memchr(b'"', c.rest()).ok_or(c.i)? + 1;
    }
    c.end()
}
