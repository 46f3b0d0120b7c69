//! Amazon's load-balancer and storage access logs: space-separated fields, some quoted (`"GET /
//! HTTP/1.1"`) or bracketed (`[06/Feb/2019:00:00:38 +0000]`), each format a table of which field
//! is which. Addresses in every field are rewritten by the line scan like anywhere else; the
//! table only says what statistics and rules read.
//!
//! * `elb`: Classic Load Balancer (`time elb client:port backend:port request_processing_time
//!   backend_processing_time response_processing_time elb_status_code backend_status_code
//!   received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol`).
//! * `alb`: Application Load Balancer (`type time elb client:port target:port … "request"
//!   "user_agent" …`, type `http`, `https`, `h2`, `grpcs`, `ws` or `wss`; AWS appends fields over
//!   the years, so any number from the documented 25 on is taken).
//! * `s3`: S3 server access logs (`owner bucket [time] remote_ip requester request_id operation
//!   key "request_uri" status error_code bytes_sent object_size total_time turn_around_time
//!   "referer" "user_agent" …`).
//!
//! Spec: Elastic Load Balancing user guides, "Access logs" (Classic and Application); Amazon S3
//! user guide, "Amazon S3 server access log format".

use super::fields::{Fields, Std};

/// Which of Amazon's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aws {
    /// Classic Load Balancer.
    Elb,
    /// Application Load Balancer.
    Alb,
    /// S3 server access log.
    S3,
}

/// How a field of the table is read.
#[derive(Clone, Copy)]
enum Read {
    /// As it is.
    Whole,
    /// `address:port`: the address (the port as `client_port` when the field is the client).
    AddrPort,
}

impl Aws {
    /// The format's `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            Aws::Elb => "elb",
            Aws::Alb => "alb",
            Aws::S3 => "s3",
        }
    }

    /// (field index, field, how it is read); the fields, at least and at most.
    fn table(self) -> (&'static [(usize, Std, Read)], usize, usize) {
        match self {
            Aws::Elb => (
                &[
                    (0, Std::Time, Read::Whole),
                    (1, Std::Vhost, Read::Whole),
                    (2, Std::Client, Read::AddrPort),
                    (3, Std::Upstream, Read::AddrPort),
                    (5, Std::Duration, Read::Whole),
                    (7, Std::Status, Read::Whole),
                    (10, Std::Bytes, Read::Whole),
                    (11, Std::Request, Read::Whole),
                    (12, Std::UserAgent, Read::Whole),
                ],
                15,
                15,
            ),
            Aws::Alb => (
                &[
                    (1, Std::Time, Read::Whole),
                    (2, Std::Vhost, Read::Whole),
                    (3, Std::Client, Read::AddrPort),
                    (4, Std::Upstream, Read::AddrPort),
                    (6, Std::Duration, Read::Whole),
                    (8, Std::Status, Read::Whole),
                    (11, Std::Bytes, Read::Whole),
                    (12, Std::Request, Read::Whole),
                    (13, Std::UserAgent, Read::Whole),
                ],
                25,
                64,
            ),
            Aws::S3 => (
                &[
                    (1, Std::Vhost, Read::Whole),
                    (2, Std::Time, Read::Whole),
                    (3, Std::Client, Read::Whole),
                    (8, Std::Request, Read::Whole),
                    (9, Std::Status, Read::Whole),
                    (11, Std::Bytes, Read::Whole),
                    (13, Std::Duration, Read::Whole),
                    (15, Std::Referrer, Read::Whole),
                    (16, Std::UserAgent, Read::Whole),
                ],
                18,
                64,
            ),
        }
    }

    /// Parses one line; Err(column) where it stopped matching.
    pub fn parse(self, s: &[u8], f: &mut Fields) -> Result<(), usize> {
        let mut tokens = [(0usize, 0usize); 64];
        let n = tokenize(s, &mut tokens)?;
        let (table, min, max) = self.table();
        if n < min || n > max {
            return Err(s.len());
        }
        let t = |k: usize| &s[tokens[k].0..tokens[k].1];
        // What tells the formats apart, checked before anything is recorded.
        match self {
            Aws::Elb => {
                if !is_iso_time(t(0)) || !t(7).iter().all(u8::is_ascii_digit) {
                    return Err(tokens[0].0);
                }
            }
            Aws::Alb => {
                if !matches!(t(0), b"http" | b"https" | b"h2" | b"grpcs" | b"ws" | b"wss")
                    || !is_iso_time(t(1))
                {
                    return Err(tokens[0].0);
                }
            }
            Aws::S3 => {
                if !t(2).starts_with(b"[") || !t(8).starts_with(b"\"") {
                    return Err(tokens[2].0);
                }
            }
        }
        for &(k, std, read) in table {
            let (mut a, mut b) = tokens[k];
            // Quotes and brackets are the field's frame, not its value.
            if b - a >= 2 && matches!((s[a], s[b - 1]), (b'"', b'"') | (b'[', b']')) {
                a += 1;
                b -= 1;
            }
            if &s[a..b] == b"-" {
                continue;
            }
            match read {
                Read::Whole => f.std(std, a, b),
                Read::AddrPort => {
                    let colon = s[a..b].iter().rposition(|&c| c == b':').map(|c| a + c);
                    match colon {
                        Some(c) if c > a && s[c + 1..b].iter().all(u8::is_ascii_digit) => {
                            // `[v6]:port`: the address without its brackets.
                            let (x, y) = if s[a] == b'[' && s[c - 1] == b']' {
                                (a + 1, c - 1)
                            } else {
                                (a, c)
                            };
                            f.std(std, x, y);
                            if std == Std::Client {
                                f.std(Std::ClientPort, c + 1, b);
                            }
                        }
                        _ => f.std(std, a, b),
                    }
                }
            }
        }
        Ok(())
    }
}

/// `2026-10-10T13:55:36.123456Z`.
fn is_iso_time(t: &[u8]) -> bool {
    t.len() >= 20 && t[4] == b'-' && t[10] == b'T' && t.last() == Some(&b'Z')
}

/// Splits `s` into its fields (spans, quotes and brackets included): words separated by one
/// space, `"…"` (with `\` escapes) and `[…]` held together. Returns how many; Err(column) for a
/// quote or bracket that does not close or more fields than `out` holds.
fn tokenize(s: &[u8], out: &mut [(usize, usize); 64]) -> Result<usize, usize> {
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        let start = i;
        match s[i] {
            b'"' => {
                i += 1;
                loop {
                    // An escape at the very end leaves `i` past it: no closing quote.
                    let j = memchr::memchr2(b'"', b'\\', s.get(i..).ok_or(start)?).ok_or(start)?;
                    i += j;
                    if s[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
            }
            b'[' => {
                // `[time with spaces]` is one field; `[v6]:port` a word like any other.
                let close = crate::bytes::find_byte(b']', &s[i..]).map(|j| i + j + 1);
                i = match close {
                    Some(c) if matches!(s.get(c), None | Some(b' ')) => c,
                    _ => crate::bytes::find_byte(b' ', &s[i..]).map_or(s.len(), |j| i + j),
                };
            }
            _ => i += crate::bytes::find_byte(b' ', &s[i..]).unwrap_or(s.len() - i),
        }
        if i > s.len() || n == out.len() {
            return Err(start);
        }
        out[n] = (start, i);
        n += 1;
        if i < s.len() {
            if s[i] != b' ' {
                return Err(i);
            }
            i += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(line: &'a str, f: &Fields, s: Std) -> Option<&'a str> {
        f.get(s).map(|(a, b)| &line[a..b])
    }

    #[test]
    fn each_format_by_its_table() {
        for (aws, line, client, status, request) in [
            (
                Aws::Elb,
                r#"2026-10-10T13:55:36.945958Z my-loadbalancer 192.0.2.17:2817 198.51.100.10:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#,
                "192.0.2.17",
                "200",
                "GET http://www.example.com:80/ HTTP/1.1",
            ),
            (
                Aws::Alb,
                r#"h2 2026-10-10T13:55:36.186641Z app/my-loadbalancer/50dc6c495c0c9188 [2001:db8::17]:2817 198.51.100.10:80 0.086 0.048 0.037 404 404 0 57 "GET https://www.example.com:443/missing HTTP/2.0" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2026-10-10T13:55:36.100000Z "forward" "-" "-" "198.51.100.10:80" "404" "-" "-""#,
                "2001:db8::17",
                "404",
                "GET https://www.example.com:443/missing HTTP/2.0",
            ),
            (
                Aws::S3,
                r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be example-bucket [10/Oct/2026:13:55:36 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /example-bucket?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader example-bucket.s3.us-west-1.amazonaws.com TLSV1.2 - -"#,
                "192.0.2.3",
                "200",
                "GET /example-bucket?versioning HTTP/1.1",
            ),
        ] {
            let mut f = Fields::default();
            aws.parse(line.as_bytes(), &mut f)
                .unwrap_or_else(|c| panic!("{}: col {c}", aws.name()));
            assert_eq!(get(line, &f, Std::Client), Some(client), "{}", aws.name());
            assert_eq!(get(line, &f, Std::Status), Some(status), "{}", aws.name());
            assert_eq!(get(line, &f, Std::Request), Some(request), "{}", aws.name());
            for other in [Aws::Elb, Aws::Alb, Aws::S3] {
                if other != aws {
                    assert!(
                        other
                            .parse(line.as_bytes(), &mut Fields::default())
                            .is_err(),
                        "{} read as {}",
                        aws.name(),
                        other.name()
                    );
                }
            }
        }
        // The last one: an escape at the end of a quoted field (found by the json fuzz target,
        // which panicked slicing past the line).
        for bad in [
            "",
            "a b c",
            r#"2026-10-10T13:55:36Z lb "unclosed"#,
            "x \"ab\\",
        ] {
            for aws in [Aws::Elb, Aws::Alb, Aws::S3] {
                assert!(aws.parse(bad.as_bytes(), &mut Fields::default()).is_err());
            }
        }
    }
}
