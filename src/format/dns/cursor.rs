//! A cursor over a line's bytes for the hand-written DNS parsers: every step either advances
//! or returns the column where the line stopped matching. No allocation, no regex.

/// Column where a line stopped matching.
pub type Col = usize;

/// A position in a line.
pub struct Cur<'a> {
    /// The line.
    pub s: &'a [u8],
    /// The current position.
    pub i: usize,
}

impl<'a> Cur<'a> {
    /// A cursor at `i`.
    #[inline(always)]
    pub fn new(s: &'a [u8], i: usize) -> Self {
        Cur { s, i }
    }

    /// True at the end of the line.
    #[inline(always)]
    pub fn eof(&self) -> bool {
        self.i >= self.s.len()
    }

    /// The bytes from here on.
    #[inline(always)]
    pub fn rest(&self) -> &'a [u8] {
        &self.s[self.i.min(self.s.len())..]
    }

    /// Consumes `lit` if it is next.
    #[inline(always)]
    pub fn eat(&mut self, lit: &[u8]) -> bool {
        if self.s.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    /// Consumes `lit`, which must be next.
    #[inline(always)]
    pub fn lit(&mut self, lit: &[u8]) -> Result<(), Col> {
        if self.eat(lit) { Ok(()) } else { Err(self.i) }
    }

    /// A non-empty run of bytes up to (not including) the next space or the end.
    #[inline(always)]
    pub fn word(&mut self) -> Result<(usize, usize), Col> {
        let start = self.i;
        let n = crate::bytes::find_byte(b' ', self.rest()).unwrap_or(self.rest().len());
        if n == 0 {
            return Err(start);
        }
        self.i += n;
        Ok((start, self.i))
    }

    /// A word followed by one space (consumed).
    #[inline(always)]
    pub fn word_sp(&mut self) -> Result<(usize, usize), Col> {
        let w = self.word()?;
        self.lit(b" ")?;
        Ok(w)
    }

    /// A non-empty run of bytes up to (not including) `b`, which must follow.
    #[inline(always)]
    pub fn until(&mut self, b: u8) -> Result<(usize, usize), Col> {
        let start = self.i;
        match crate::bytes::find_byte(b, self.rest()) {
            Some(0) | None => Err(start),
            Some(n) => {
                self.i += n;
                Ok((start, self.i))
            }
        }
    }

    /// A non-empty run of ASCII digits.
    #[inline(always)]
    pub fn digits(&mut self) -> Result<(usize, usize), Col> {
        let start = self.i;
        let k = start + crate::bytes::digits_from(self.s, start);
        if k == start {
            return Err(start);
        }
        self.i = k;
        Ok((start, k))
    }

    /// A word recorded as field `std`.
    #[inline(always)]
    pub fn field(
        &mut self,
        f: &mut crate::format::Fields,
        std: crate::format::Std,
    ) -> Result<(), Col> {
        let (a, b) = self.word()?;
        f.std(std, a, b);
        Ok(())
    }

    /// A word recorded as field `std`, followed by one space (consumed).
    #[inline(always)]
    pub fn field_sp(
        &mut self,
        f: &mut crate::format::Fields,
        std: crate::format::Std,
    ) -> Result<(), Col> {
        self.field(f, std)?;
        self.lit(b" ")
    }

    /// Requires the end of the line.
    #[inline(always)]
    pub fn end(&self) -> Result<(), Col> {
        if self.eof() { Ok(()) } else { Err(self.i) }
    }
}

/// Splits `s[a..b]` holding `addr<sep>port` (or `[v6]:port`) at the last `sep`: the address span
/// (brackets removed) and the port span. `None` when there is no separator or no digits after it.
pub fn addr_port(
    s: &[u8],
    a: usize,
    b: usize,
    sep: u8,
) -> Option<((usize, usize), (usize, usize))> {
    let k = a + memchr::memrchr(sep, &s[a..b])?;
    if k + 1 >= b || !s[k + 1..b].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (x, y) = unbracket(s, a, k);
    (x < y).then_some(((x, y), (k + 1, b)))
}

/// `s[a..b]` without the brackets of `[v6]`, when it has them.
#[inline(always)]
pub fn unbracket(s: &[u8], a: usize, b: usize) -> (usize, usize) {
    if s.get(a) == Some(&b'[') && b > a + 1 && s[b - 1] == b']' {
        (a + 1, b - 1)
    } else {
        (a, b)
    }
}

/// Records the client and its port from `s[a..b]` written as `addr<sep>port` (or `[v6]:port`).
pub fn client_port(
    s: &[u8],
    a: usize,
    b: usize,
    sep: u8,
    f: &mut crate::format::Fields,
) -> Result<(), Col> {
    use crate::format::Std;
    let ((ca, cb), (pa, pb)) = addr_port(s, a, b, sep).ok_or(a)?;
    f.std(Std::Client, ca, cb);
    f.std(Std::ClientPort, pa, pb);
    Ok(())
}

/// A client written as `addr`, `addr:port` or `[v6]:port`: a word that is an address as a whole
/// is taken whole (a bare IPv6 address is not split at its last colon). Records client and port.
pub fn client(s: &[u8], a: usize, b: usize, f: &mut crate::format::Fields) -> Result<(), Col> {
    let whole = crate::anonymize::scan::parse_addr(&s[a..b]).is_some();
    if whole {
        f.std(crate::format::Std::Client, a, b);
        return Ok(());
    }
    client_port(s, a, b, b':', f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_and_port() {
        let s = b"192.0.2.1#53 [2001:db8::1]:443 2001:db8::2:53 x:";
        assert_eq!(addr_port(s, 0, 12, b'#'), Some(((0, 9), (10, 12))));
        assert_eq!(addr_port(s, 13, 30, b':'), Some(((14, 25), (27, 30))));
        assert_eq!(addr_port(s, 31, 45, b':'), Some(((31, 42), (43, 45))));
        assert_eq!(addr_port(s, 46, 48, b':'), None);
    }
}
