//! Amazon CloudFront standard (legacy) access logs: tab-separated fields in the documented order,
//! after two header lines (`#Version: 1.0`, `#Fields: date time x-edge-location …`), which are
//! kept as they are and counted as the server's own lines. CloudFront appended fields over the
//! years (from 24 to 33); any number from the first 19 on is read.
//!
//! ```text
//! date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer)
//! cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header
//! cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher
//! x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port
//! time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start
//! sc-range-end
//! ```
//! The user agent and referrer are URL-encoded (`Mozilla/5.0%20(Windows%20NT%2010.0…)`); `-` is
//! an empty field. Every address (the client, `x-forwarded-for`) is rewritten by the line scan
//! like anywhere else; the table only says what statistics and rules read. Spec: Amazon
//! CloudFront developer guide, "Standard logging (access logs)", log file format.

use super::fields::{Fields, Std};

/// Field index → vocabulary name (the date and time are read together as `time`).
const TABLE: &[(usize, Std)] = &[
    (3, Std::Bytes),
    (4, Std::Client),
    (5, Std::Method),
    (7, Std::Path),
    (8, Std::Status),
    (9, Std::Referrer),
    (10, Std::UserAgent),
    (11, Std::Query),
    (15, Std::Vhost),
    (18, Std::Duration),
    (19, Std::ForwardedFor),
    (23, Std::Protocol),
    (26, Std::ClientPort),
];

/// The fewest fields a line has (up to `time-taken`).
const MIN_FIELDS: usize = 19;

/// Parses one line; Err(column) where it stopped matching.
pub fn parse(s: &[u8], f: &mut Fields) -> Result<(), usize> {
    // `#Version: 1.0`, `#Fields: …`: the header, the server's own lines.
    if s.starts_with(b"#Version:") || s.starts_with(b"#Fields:") {
        f.std(Std::Message, 0, s.len());
        return Ok(());
    }
    let mut tokens = [(0usize, 0usize); 64];
    let n = crate::bytes::split_into(s, b'\t', &mut tokens).ok_or(0usize)?;
    if n < MIN_FIELDS {
        return Err(s.len());
    }
    let t = |k: usize| &s[tokens[k].0..tokens[k].1];
    let date = t(0);
    let time = t(1);
    let is_date = date.len() == 10
        && date[4] == b'-'
        && date[7] == b'-'
        && date
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let is_time = time.len() == 8 && time[2] == b':' && time[5] == b':';
    let status = t(8);
    if !(is_date && is_time && status.len() == 3 && status.iter().all(u8::is_ascii_digit)) {
        return Err(tokens[0].0);
    }
    f.std(Std::Time, tokens[0].0, tokens[1].1);
    for &(k, std) in TABLE {
        if k >= n {
            continue;
        }
        let (a, b) = tokens[k];
        if a == b || &s[a..b] == b"-" {
            continue;
        }
        f.std(std, a, b);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "2026-10-10\t13:55:36\tSEA19-C1\t2390\t192.0.2.17\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/124.0.0.0%20Safari/537.36\tq=1\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\twww.example.com\thttps\t157\t0.001\t203.0.113.9\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t53142\t0.001\tHit\ttext/html\t2390\t-\t-";

    fn get<'a>(line: &'a str, f: &Fields, s: Std) -> Option<&'a str> {
        f.get(s).map(|(a, b)| &line[a..b])
    }

    #[test]
    fn the_documented_fields() {
        let mut f = Fields::default();
        parse(LINE.as_bytes(), &mut f).unwrap();
        for (s, want) in [
            (Std::Time, "2026-10-10\t13:55:36"),
            (Std::Client, "192.0.2.17"),
            (Std::ClientPort, "53142"),
            (Std::Method, "GET"),
            (Std::Path, "/index.html"),
            (Std::Query, "q=1"),
            (Std::Status, "200"),
            (Std::Bytes, "2390"),
            (Std::Vhost, "www.example.com"),
            (Std::Duration, "0.001"),
            (Std::ForwardedFor, "203.0.113.9"),
            (Std::Protocol, "HTTP/2.0"),
        ] {
            assert_eq!(get(LINE, &f, s), Some(want), "{s:?}");
        }
        assert_eq!(get(LINE, &f, Std::Referrer), None, "`-` is empty");
        // An older line, 24 fields: what it has is read.
        let old: String = LINE.split('\t').take(24).collect::<Vec<_>>().join("\t");
        let mut f = Fields::default();
        parse(old.as_bytes(), &mut f).unwrap();
        assert_eq!(get(&old, &f, Std::Client), Some("192.0.2.17"));
        assert_eq!(get(&old, &f, Std::ClientPort), None);
        // The header: server lines.
        for h in [
            "#Version: 1.0",
            "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status",
        ] {
            let mut f = Fields::default();
            parse(h.as_bytes(), &mut f).unwrap();
            assert!(f.has(Std::Message));
        }
        for bad in [
            "",
            "a\tb\tc",
            &LINE.replace("2026-10-10", "2026/10/10"),
            &LINE.replacen("\t200\t", "\tOK\t", 1),
            &LINE.replace('\t', " "),
        ] {
            assert!(
                parse(bad.as_bytes(), &mut Fields::default()).is_err(),
                "{bad}"
            );
        }
    }
}
