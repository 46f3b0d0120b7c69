//! Google Cloud Storage usage logs: CSV, every field quoted, a header line first (kept as it is,
//! counted as the server's own line), then one request per line in the documented order:
//!
//! ```text
//! "time_micros","c_ip","c_ip_type","c_ip_region","cs_method","cs_uri","sc_status","cs_bytes",
//! "sc_bytes","time_taken_micros","cs_host","cs_referer","cs_user_agent","s_request_id",
//! "cs_operation","cs_bucket","cs_object"[, fields added later]
//! ```
//! `cs_uri` is the path with its query; the time is microseconds since 1970. Every address is
//! rewritten by the line scan like anywhere else; the table only says what statistics and rules
//! read. Spec: Google Cloud Storage documentation, "Usage logs & storage logs", usage log format.

use super::fields::{Fields, Std};

const TABLE: &[(usize, Std)] = &[
    (0, Std::Time),
    (1, Std::Client),
    (4, Std::Method),
    (6, Std::Status),
    (8, Std::Bytes),
    (9, Std::Duration),
    (10, Std::Vhost),
    (11, Std::Referrer),
    (12, Std::UserAgent),
];

/// The fields up to `cs_object`.
const MIN_FIELDS: usize = 17;

/// Parses one line; Err(column) where it stopped matching.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), usize> {
    if s.starts_with(b"\"time_micros\",") {
        f.std(Std::Message, 0, s.len());
        return Ok(());
    }
    // `"value","value",…`: the spans inside the quotes (`""` is a quote within a value).
    let mut spans = [(0usize, 0usize); 64];
    let mut n = 0;
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'"' || n == spans.len() {
            return Err(i);
        }
        let start = i + 1;
        let mut j = start;
        loop {
            let q = memchr::memchr(b'"', &s[j..]).ok_or(i)? + j;
            if s.get(q + 1) == Some(&b'"') {
                j = q + 2;
                continue;
            }
            spans[n] = (start, q);
            n += 1;
            i = q + 1;
            break;
        }
        match s.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(_) => return Err(i),
        }
    }
    if n < MIN_FIELDS {
        return Err(s.len());
    }
    let t = |k: usize| &s[spans[k].0..spans[k].1];
    if t(0).len() < 16
        || !t(0).iter().all(u8::is_ascii_digit)
        || !t(6).iter().all(u8::is_ascii_digit)
    {
        return Err(spans[0].0);
    }
    for &(k, std) in TABLE {
        let (a, b) = spans[k];
        if a < b {
            f.std(std, a, b);
        }
    }
    // The URI: its path and query.
    let (a, b) = spans[5];
    match memchr::memchr(b'?', &s[a..b]) {
        Some(q) => {
            f.std(Std::Path, a, a + q);
            f.std(Std::Query, a + q + 1, b);
        }
        None if a < b => f.std(Std::Path, a, b),
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_columns() {
        let line = r#""1791640536123456","192.0.2.17","1","","GET","/download/storage/v1/b/example-bucket/o/report.pdf?alt=media","200","0","52210","12000","storage.googleapis.com","https://www.example.org/","Mozilla/5.0 (X11; Linux x86_64) ""quoted""","AB12","GET_Object","example-bucket","report.pdf""#;
        let mut f = Fields::default();
        parse(line.as_bytes(), &mut f).unwrap();
        let get = |s: Std| f.get(s).map(|(a, b)| &line[a..b]);
        assert_eq!(get(Std::Time), Some("1791640536123456"));
        assert_eq!(get(Std::Client), Some("192.0.2.17"));
        assert_eq!(get(Std::Method), Some("GET"));
        assert_eq!(
            get(Std::Path),
            Some("/download/storage/v1/b/example-bucket/o/report.pdf")
        );
        assert_eq!(get(Std::Query), Some("alt=media"));
        assert_eq!(get(Std::Status), Some("200"));
        assert_eq!(get(Std::Bytes), Some("52210"));
        assert_eq!(get(Std::Duration), Some("12000"));
        assert_eq!(
            get(Std::UserAgent),
            Some(r#"Mozilla/5.0 (X11; Linux x86_64) ""quoted"""#)
        );
        let header =
            r#""time_micros","c_ip","c_ip_type","c_ip_region","cs_method","cs_uri","sc_status""#;
        let mut f = Fields::default();
        parse(header.as_bytes(), &mut f).unwrap();
        assert!(f.has(Std::Message));
        let (joined, soon) = (
            line.replace("\",\"", ","),
            line.replace("1791640536123456", "soon"),
        );
        for bad in ["", r#""a","b""#, &joined, &line[..line.len() - 1], &soon] {
            assert!(
                parse(bad.as_bytes(), &mut Fields::default()).is_err(),
                "{bad}"
            );
        }
    }
}
