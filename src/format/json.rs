//! JSON lines: one JSON object per line (Caddy, Traefik, nginx `escape=json`, custom loggers).
//!
//! The scanner validates the line as one JSON object (RFC 8259) without building a tree and
//! without allocating, and reports the span of the client address: the first string value whose
//! key is one of [`CLIENT_KEYS`] at any depth (Caddy nests it as `request.remote_ip`), and the
//! first value of each key of [`FIELD_KEYS`] (time, request, status, bytes, ...), for rules and
//! statistics. Every
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

/// Keys (the last component of a nested path, any case) whose value (string or number) is a
/// vocabulary field, as nginx (`log_format … escape=json`), Caddy, Traefik and custom loggers
/// name them. The first occurrence of each field counts; a key whose value is an array (Caddy's
/// headers) names its first element. A `uri` or `path` is taken up to its `?`: the page; what
/// follows is the query field (which `request = "strip-query"` removes with its `?`).
pub const FIELD_KEYS: &[(&[u8], Std)] = &[
    (b"time", Std::Time),
    (b"@timestamp", Std::Time),
    (b"timestamp", Std::Time),
    (b"ts", Std::Time),
    (b"time_iso8601", Std::Time),
    (b"time_local", Std::Time),
    (b"msec", Std::Time),
    (b"request", Std::Request),
    (b"method", Std::Method),
    (b"request_method", Std::Method),
    (b"uri", Std::Path),
    (b"request_uri", Std::Path),
    (b"path", Std::Path),
    (b"proto", Std::Protocol),
    (b"protocol", Std::Protocol),
    (b"server_protocol", Std::Protocol),
    (b"status", Std::Status),
    (b"bytes", Std::Bytes),
    (b"body_bytes_sent", Std::Bytes),
    (b"bytes_sent", Std::Bytes),
    (b"size", Std::Bytes),
    (b"referer", Std::Referrer),
    (b"referrer", Std::Referrer),
    (b"http_referer", Std::Referrer),
    // Caddy's authenticated user (`user_id`); nginx's `$remote_user`.
    (b"user_id", Std::User),
    (b"remote_user", Std::User),
    (b"user_agent", Std::UserAgent),
    // Caddy logs request headers by name, each an array of strings (`"User-Agent":["…"]`).
    (b"user-agent", Std::UserAgent),
    (b"http_user_agent", Std::UserAgent),
    (b"useragent", Std::UserAgent),
    (b"host", Std::Vhost),
    (b"server_name", Std::Vhost),
    (b"xff", Std::ForwardedFor),
    (b"http_x_forwarded_for", Std::ForwardedFor),
    (b"x-forwarded-for", Std::ForwardedFor),
    (b"request_time", Std::Duration),
    (b"duration", Std::Duration),
];

/// The fields of [`FIELD_KEYS`], as a [`super::fields::mask`].
const FIELD_MASK: u64 = {
    let mut m = 0u64;
    let mut k = 0;
    while k < FIELD_KEYS.len() {
        m |= 1 << FIELD_KEYS[k].1 as u32;
        k += 1;
    }
    m
};

/// Bit n set when a key of length n is in `keys`: most keys of a line are of no length a table
/// has, and are passed over without comparing them with every entry.
const fn lengths(keys: &[&[u8]]) -> u64 {
    let mut m = 0u64;
    let mut k = 0;
    while k < keys.len() {
        if keys[k].len() < 64 {
            m |= 1 << keys[k].len();
        }
        k += 1;
    }
    m
}

const CLIENT_LENGTHS: u64 = lengths(CLIENT_KEYS);

const FIELD_LENGTHS: u64 = {
    let mut m = 0u64;
    let mut k = 0;
    while k < FIELD_KEYS.len() {
        m |= 1 << FIELD_KEYS[k].0.len();
        k += 1;
    }
    m
};

/// Whether a key of length `n` may be in a table of these `lengths`.
#[inline]
fn may_be(lengths: u64, n: usize) -> bool {
    n < 64 && lengths >> n & 1 == 1
}

const MAX_DEPTH: usize = 64;

/// What a value is, by its key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    Client,
    Field(Std),
}

struct Scan<'a> {
    s: &'a [u8],
    i: usize,
    client: Option<(usize, usize)>,
    /// Look keys up in [`FIELD_KEYS`] (not when only the client is wanted, as in plain
    /// anonymization: a table lookup per key is the scan's largest cost then).
    fields: bool,
    /// Vocabulary fields found, first occurrence each.
    found: [(Option<Std>, usize, usize); 14],
    nfound: usize,
}

/// Validates `line` as a JSON object, recording the client value's span (without quotes) and
/// the fields of [`FIELD_KEYS`] in `fields`; Err(column) where it stopped being JSON.
pub fn parse(line: &[u8], fields: &mut Fields) -> Result<(), usize> {
    let p = scan(line, fields.wants_any(FIELD_MASK))?;
    if let Some((s, e)) = p.client {
        fields.std(Std::Client, s, e);
    }
    for &(std, s, e) in &p.found[..p.nfound] {
        if let Some(std) = std {
            fields.std(std, s, e);
        }
    }
    Ok(())
}

/// Validates `line` as a JSON object. Ok(client value span, without quotes) or Err(column).
pub fn parse_client(line: &[u8]) -> Result<Option<(usize, usize)>, usize> {
    scan(line, false).map(|p| p.client)
}

/// Calls `each(start, end, quoted)` for every value of a JSON line that is a string (its span
/// inside the quotes, `quoted`), a number, `true` or `false`; never a key, never `null`. For
/// `keep-only`, which must reach members the vocabulary has no name for. The line must be JSON
/// ([`parse`] said so): on anything else it stops.
pub fn each_value(line: &[u8], mut each: impl FnMut(usize, usize, bool)) {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    while let Some(&c) = line.get(i) {
        match c {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let end = loop {
                    match memchr::memchr2(b'"', b'\\', &line[j..]) {
                        Some(k) if line[j + k] == b'\\' => j += k + 2,
                        Some(k) => break j + k,
                        None => return,
                    }
                };
                i = end + 1;
                let next = line[i..].iter().position(|&c| !ws(c)).map(|k| line[i + k]);
                if next != Some(b':') {
                    each(start, end, true);
                }
            }
            b'-' | b'0'..=b'9' | b't' | b'f' => {
                let start = i;
                while line
                    .get(i)
                    .is_some_and(|&c| !ws(c) && !matches!(c, b',' | b'}' | b']'))
                {
                    i += 1;
                }
                each(start, i, false);
            }
            _ => i += 1, // structure, white space, the letters of `null`
        }
    }
}

fn scan(line: &[u8], fields: bool) -> Result<Scan<'_>, usize> {
    let mut p = Scan {
        s: line,
        i: 0,
        client: None,
        fields,
        found: [(None, 0, 0); 14],
        nfound: 0,
    };
    p.ws();
    if p.peek() != Some(b'{') {
        return Err(p.i);
    }
    p.value(0, Target::None)?;
    p.ws();
    if p.i != line.len() {
        return Err(p.i);
    }
    Ok(p)
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
            // One pass to the quote, a backslash or a control byte (a search for the first two
            // and a second pass for control bytes cost more).
            self.i = crate::bytes::find_json_stop(self.s, self.i).ok_or(self.s.len())?;
            match self.s[self.i] {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Ok((start, end));
                }
                b'\\' => {}
                _ => return Err(start), // a control byte inside a string
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

    /// Records a value of a vocabulary field, the first of its kind.
    fn field(&mut self, std: Std, start: usize, end: usize) {
        if self.nfound == self.found.len()
            || self.found[..self.nfound].iter().any(|f| f.0 == Some(std))
        {
            return;
        }
        let (end, query) = match std {
            Std::Path => match memchr::memchr(b'?', &self.s[start..end]) {
                Some(q) => (start + q, Some((start + q + 1, end)).filter(|(a, b)| a < b)),
                None => (end, None),
            },
            _ => (end, None),
        };
        self.found[self.nfound] = (Some(std), start, end);
        self.nfound += 1;
        if let Some((a, b)) = query
            && self.nfound < self.found.len()
        {
            self.found[self.nfound] = (Some(Std::Query), a, b);
            self.nfound += 1;
        }
    }

    fn value(&mut self, depth: usize, target: Target) -> Result<(), usize> {
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
                    let key = &self.s[ks..ke];
                    let target = if may_be(CLIENT_LENGTHS, key.len())
                        && CLIENT_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
                    {
                        Target::Client
                    } else if self.fields && may_be(FIELD_LENGTHS, key.len()) {
                        FIELD_KEYS
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(key))
                            .map_or(Target::None, |&(_, std)| Target::Field(std))
                    } else {
                        Target::None
                    };
                    self.ws();
                    self.eat(b':')?;
                    self.value(depth + 1, target)?;
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
                    // The first element, when its key names a field (later ones: the field's
                    // first occurrence is taken).
                    self.value(depth + 1, target)?;
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
                match target {
                    // Any value: one that is no address (a host name, or an address written
                    // with JSON escapes, `192\u002e0\u002e2\u002e6`, which the finder does not
                    // read) is then replaced by `-`, as a client field holding a host name is.
                    Target::Client if self.client.is_none() && span.0 < span.1 => {
                        self.client = Some(span);
                    }
                    Target::Field(std) if span.0 < span.1 => self.field(std, span.0, span.1),
                    _ => {}
                }
                Ok(())
            }
            Some(b't') => self.word(b"true"),
            Some(b'f') => self.word(b"false"),
            Some(b'n') => self.word(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                self.number()?;
                if let Target::Field(std) = target {
                    self.field(std, start, self.i);
                }
                Ok(())
            }
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
        // An address written with JSON escapes is the client all the same (it is then replaced
        // by `-`: the finder does not read escapes).
        assert_eq!(
            client(r#"{"remote_addr":"192\u002e0\u002e2\u002e6","status":200}"#),
            Ok(Some(r"192\u002e0\u002e2\u002e6"))
        );
    }

    #[test]
    fn caddy_headers_arrays_and_the_query_are_fields() {
        let line = r#"{"ts":1791591359.049,"request":{"remote_ip":"192.0.2.1","method":"GET","host":"www.example.com","uri":"/search?q=a&u=b","headers":{"User-Agent":["curl/8.5","x"],"Referer":["https://example.org/p?x=1"],"X-Forwarded-For":["198.51.100.7, 192.0.2.9"]}},"duration":0.0005,"size":5667,"status":200}"#;
        let mut f = Fields::default();
        f.want(u64::MAX);
        parse(line.as_bytes(), &mut f).unwrap();
        let get = |s: Std| f.get(s).map(|(a, b)| &line[a..b]);
        for (std, want) in [
            (Std::Client, "192.0.2.1"),
            (Std::Path, "/search"),
            (Std::Query, "q=a&u=b"),
            (Std::UserAgent, "curl/8.5"),
            (Std::Referrer, "https://example.org/p?x=1"),
            (Std::ForwardedFor, "198.51.100.7, 192.0.2.9"),
            (Std::Vhost, "www.example.com"),
            (Std::Duration, "0.0005"),
            (Std::Status, "200"),
        ] {
            assert_eq!(get(std), Some(want), "{std:?}");
        }
        let mut f = Fields::default();
        f.want(u64::MAX);
        parse(br#"{"uri":"/a?"}"#, &mut f).unwrap();
        assert_eq!(f.get(Std::Query), None, "an empty query is none");
    }

    #[test]
    fn each_value_is_every_string_number_and_boolean_but_no_key() {
        let line = r#"{"a":"x\"y","b":[1,-2.5e3,true,false,null,{"c":"","d\"":"z"}] , "e" : "f"}"#;
        let mut got = Vec::new();
        each_value(line.as_bytes(), |a, b, q| got.push((&line[a..b], q)));
        assert_eq!(
            got,
            [
                (r#"x\"y"#, true),
                ("1", false),
                ("-2.5e3", false),
                ("true", false),
                ("false", false),
                ("", true),
                ("z", true),
                ("f", true),
            ]
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
