//! JSON lines: one JSON object per line (Caddy, Traefik, nginx `escape=json`, custom loggers).
//!
//! The scanner validates the line as one JSON object (RFC 8259) without building a tree and
//! without allocating, and reports the span of the client address: the first string value whose
//! key is one of [`CLIENT_KEYS`] at any depth (Caddy nests it as `request.remote_ip`). Every
//! other address in the line, in any key or value, is found by the fail-closed scan like in any
//! other format.

/// Keys (the last component of a nested path) whose string value is the client address.
pub const CLIENT_KEYS: &[&[u8]] = &[
    b"remote_addr",
    b"remote_ip",
    b"client_ip",
    b"client_addr",
    b"clientip",
    b"clientaddr",
    b"remoteip",
    b"remote_host",
    b"src_ip",
    b"source_ip",
    b"ip",
];

use super::fields::{Fields, Std};

const MAX_DEPTH: usize = 64;

struct Scan<'a> {
    s: &'a [u8],
    i: usize,
    client: Option<(usize, usize)>,
}

/// Validates `line` as a JSON object, recording the client value's span (without quotes) in
/// `fields`; Err(column) where it stopped being JSON.
pub fn parse(line: &[u8], fields: &mut Fields) -> Result<(), usize> {
    let client = parse_client(line)?;
    if let Some((s, e)) = client {
        fields.std(Std::Client, s, e);
    }
    Ok(())
}

/// Validates `line` as a JSON object. Ok(client value span, without quotes) or Err(column).
pub fn parse_client(line: &[u8]) -> Result<Option<(usize, usize)>, usize> {
    let mut p = Scan {
        s: line,
        i: 0,
        client: None,
    };
    p.ws();
    if p.peek() != Some(b'{') {
        return Err(p.i);
    }
    p.value(0, false)?;
    p.ws();
    if p.i != line.len() {
        return Err(p.i);
    }
    Ok(p.client)
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), usize> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.i)
        }
    }

    /// Parses a string starting at its opening quote; returns the span inside the quotes.
    fn string(&mut self) -> Result<(usize, usize), usize> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let j = memchr::memchr2(b'"', b'\\', &self.s[self.i..]).ok_or(self.s.len())?;
            self.i += j;
            if self.s[self.i] == b'"' {
                let end = self.i;
                self.i += 1;
                if self.s[start..end].iter().any(|&c| c < 0x20) {
                    return Err(start);
                }
                return Ok((start, end));
            }
            // A backslash escape.
            self.i += 1;
            match self.peek() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                Some(b'u') => {
                    let hex = self.s.get(self.i + 1..self.i + 5).ok_or(self.i)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(self.i);
                    }
                    self.i += 5;
                }
                _ => return Err(self.i),
            }
        }
    }

    fn value(&mut self, depth: usize, client_key: bool) -> Result<(), usize> {
        if depth > MAX_DEPTH {
            return Err(self.i);
        }
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    let (ks, ke) = self.string()?;
                    let is_client = CLIENT_KEYS
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(&self.s[ks..ke]));
                    self.ws();
                    self.eat(b':')?;
                    self.value(depth + 1, is_client)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.i),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.value(depth + 1, false)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.i),
                    }
                }
            }
            Some(b'"') => {
                let span = self.string()?;
                if client_key
                    && self.client.is_none()
                    && super::template::plausible_client(&self.s[span.0..span.1])
                {
                    self.client = Some(span);
                }
                Ok(())
            }
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.i),
        }
    }

    fn word(&mut self, w: &[u8]) -> Result<(), usize> {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(())
        } else {
            Err(self.i)
        }
    }

    fn number(&mut self) -> Result<(), usize> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
            p.i - s
        };
        if digits(self) == 0 {
            return Err(start);
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.i);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.i);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(s: &str) -> Result<Option<&str>, usize> {
        parse_client(s.as_bytes()).map(|c| c.map(|(a, b)| &s[a..b]))
    }

    #[test]
    fn objects_and_client_keys() {
        let caddy = r#"{"level":"info","ts":1791640536.123,"logger":"http.log.access","request":{"remote_ip":"192.0.2.17","remote_port":"51234","client_ip":"192.0.2.17","headers":{"User-Agent":["curl/8"]}},"status":200,"size":-1.5e3}"#;
        assert_eq!(client(caddy), Ok(Some("192.0.2.17")));
        assert_eq!(
            client(r#"{"remote_addr":"2001:db8::1","x":[1,true,null,{"a":"b\"c\u00e9"}]}"#),
            Ok(Some("2001:db8::1"))
        );
        assert_eq!(client(r#" {"msg":"no client here"} "#), Ok(None));
        assert_eq!(client(r#"{}"#), Ok(None));
        assert_eq!(
            client(r#"{"ip": 17, "client_ip": "198.51.100.3"}"#),
            Ok(Some("198.51.100.3"))
        );
    }

    #[test]
    fn invalid_json_reports_column() {
        for (s, col) in [
            ("", 0),
            ("[1]", 0),
            (r#"{"a":1"#, 6),
            (r#"{"a":1} x"#, 8),
            (r#"{"a":tru}"#, 5),
            (r#"{"a":"\q"}"#, 7),
            (r#"{"a" 1}"#, 5),
            (r#"{"a":01x}"#, 7),
        ] {
            assert_eq!(client(s), Err(col), "{s}");
        }
        let deep = "{\"a\":".repeat(100) + &"}".repeat(100);
        assert!(client(&deep).is_err());
    }
}
