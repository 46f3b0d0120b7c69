//! DNS-over-HTTPS server question logs (m13253/dns-over-https `doh-server` with `verbose`).
//!
//! ```text
//! [2026/10/10 13:55:36 ]<ip:port> - - [10/Oct/2026:13:55:36 +0000] "<qname.> <CLASS> <TYPE>"
//! ```
//! The leading date is Go's `log` prefix, present unless disabled. For web access logs in front
//! of a DoH endpoint (`GET /dns-query?dns=…`), use a web format: the `dns=` parameter is a field
//! for the rules issue.

use super::cursor::{Col, Cur, client};
use crate::format::fields::{Fields, Std};

/// `yyyy/mm/dd hh:mm:ss` (Go's log prefix); its end.
fn go_time(s: &[u8]) -> Option<usize> {
    let shape = b"dddd/dd/dd dd:dd:dd";
    let ok = s.len() > shape.len()
        && shape.iter().zip(s).all(|(&p, &b)| {
            if p == b'd' {
                b.is_ascii_digit()
            } else {
                b == p
            }
        });
    ok.then(|| {
        shape.len()
            + s[shape.len()..]
                .iter()
                .take_while(|&&b| b == b'.' || b.is_ascii_digit())
                .count()
    })
}

/// Parses one DoH server line.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), Col> {
    let mut c = Cur::new(s, 0);
    if let Some(t) = go_time(s) {
        c.i = t;
        c.lit(b" ")?;
    }
    let (a, b) = c.word_sp()?;
    client(s, a, b, f)?;
    c.lit(b"- - [")?;
    let t = c.until(b']')?;
    f.std(Std::Time, t.0, t.1);
    c.lit(b"] \"")?;
    c.field_sp(f, Std::Qname)?;
    c.field_sp(f, Std::Qclass)?;
    let ty = c.until(b'"')?;
    f.std(Std::Qtype, ty.0, ty.1);
    c.lit(b"\"")?;
    c.end()
}
